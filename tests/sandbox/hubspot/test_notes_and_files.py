"""Notes need hs_timestamp and take attachments; the Files API uploads, serves and signs files.

Sources: the notes guide ("hs_timestamp Required ... hs_attachment_ids The IDs of the note's
attachments. Multiple attachment IDs are separated by a semi-colon":
https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide); the 2026-03 files spec
(files__2026-03: upload multipart with file, fileName, folderId, folderPath, options; File;
SignedUrl) and guide (https://developers.hubspot.com/docs/api-reference/2026-03/files/guide:
"Either this field or folderPath must be provided ... (but not both)", options.access
required, ttl "minimum ... 1 day ... maximum ... 1 year ... permanently deleted", PRIVATE
"Requires a signed URL to see content"); fidelity-findings B8 and B12 (a 409 says
"Contact already exists. Existing ID: 3401" and carries no context.existingId).
"""

import json

import requests

from .conftest import DEMO, bearer, install

O, F = "/crm/objects/2026-03", "/files/2026-03/files"
PDF = b"%PDF-1.4 faktura 10042"


def upload(hs, content=PDF, name="faktura-10042.pdf", access="PRIVATE", **form):
    fields = {
        "fileName": name,
        "options": json.dumps({"access": access, **form.pop("options", {})}),
    }
    fields.setdefault("folderPath", "/tripletex/fakturaer")
    fields.update(form)
    fields = {k: v for k, v in fields.items() if v is not None}
    return hs.post(F, files={"file": (name, content, "application/pdf")}, data=fields)


def test_a_note_needs_hs_timestamp(hs):
    """ "hs_timestamp Required" (notes guide; B8)."""
    deal = hs.get(f"{O}/deals?limit=1").json()["results"][0]["id"]
    refused = hs.post(f"{O}/notes", json={"properties": {"hs_note_body": "Faktura sendt"}})
    assert refused.status_code == 400 and refused.json()["errors"][0]["context"] == {
        "propertyName": ["hs_timestamp"]
    }
    made = hs.post(
        f"{O}/notes",
        json={
            "properties": {"hs_note_body": "Faktura sendt", "hs_timestamp": "2026-11-20T10:00:00Z"},
            "associations": [
                {
                    "to": {"id": deal},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 214}],
                }
            ],
        },
    )
    assert made.status_code == 201
    assert made.json()["properties"]["hs_timestamp"] == "2026-11-20T10:00:00.000Z"


def test_a_note_carries_uploaded_files_and_refuses_unknown_ones(hs):
    first, second = upload(hs).json()["id"], upload(hs, b"%PDF 2", "kreditnota.pdf").json()["id"]
    note = hs.post(
        f"{O}/notes",
        json={"properties": {"hs_timestamp": "0", "hs_attachment_ids": f"{first};{second}"}},
    )
    assert (
        note.status_code == 201
        and note.json()["properties"]["hs_attachment_ids"] == f"{first};{second}"
    )
    unknown = hs.post(
        f"{O}/notes", json={"properties": {"hs_timestamp": "0", "hs_attachment_ids": "424242"}}
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["code"] == "INVALID_OPTION"


def test_an_upload_answers_201_with_the_file_and_a_private_one_needs_a_signed_url(hs, clock):
    """Upload answers 201; PRIVATE "Requires a signed URL to see content" (files guide)."""
    reply = upload(hs)
    file = reply.json()
    assert reply.status_code == 201 and reply.headers["Location"].endswith(
        f"/files/2026-03/files/{file['id']}"
    )
    assert (file["name"], file["extension"], file["type"], file["access"], file["size"]) == (
        "faktura-10042",
        "pdf",
        "DOCUMENT",
        "PRIVATE",
        len(PDF),
    )
    assert file["path"] == "/tripletex/fakturaer/faktura-10042.pdf" and file["archived"] is False
    assert hs.get(f"{F}/{file['id']}").json()["id"] == file["id"]
    assert requests.get(file["url"]).status_code == 403
    clock.freeze()
    signed = hs.get(f"{F}/{file['id']}/signed-url", params={"expirationSeconds": 60}).json()
    assert requests.get(signed["url"]).content == PDF
    clock.advance(61)
    assert requests.get(signed["url"]).status_code == 403


def test_a_public_file_is_served_at_its_url_and_a_deleted_one_is_gone(hs):
    file = upload(hs, access="PUBLIC_NOT_INDEXABLE").json()
    assert requests.get(file["url"]).content == PDF
    assert hs.delete(f"{F}/{file['id']}").status_code == 204
    assert hs.get(f"{F}/{file['id']}").status_code == 404
    assert requests.get(file["url"]).status_code == 404


def test_uploads_refuse_what_the_guide_refuses(hs):
    """folderId or folderPath, not both; options.access required; ttl 1 day to 1 year."""
    assert upload(hs, folderPath=None).status_code == 400  # neither folder
    folder = upload(hs).json()["parentFolderId"]
    assert upload(hs, folderId=folder).status_code == 400  # both
    assert upload(hs, access="SECRET").status_code == 400
    assert upload(hs, options={"ttl": "PT1H"}).status_code == 400  # under a day
    assert upload(hs, options={"ttl": "P2Y"}).status_code == 400  # over a year
    no_file = hs.post(F, data={"folderPath": "/x", "options": json.dumps({"access": "PRIVATE"})})
    assert no_file.status_code == 400


def test_a_ttl_deletes_the_file_for_good_when_it_runs_out(base, hs, clock):
    clock.freeze()
    file = upload(hs, options={"ttl": "P1D"}).json()
    assert file["expiresAt"] == int((clock.now() + 86400) * 1000)
    clock.advance(86401)
    fresh = bearer(install(base))  # the old access token died too
    assert requests.get(f"{base}{F}/{file['id']}", headers=fresh).status_code == 404


def test_duplicates_and_names_taken_in_a_folder(hs):
    first = upload(hs).json()
    rejected = upload(hs, options={"duplicateValidationStrategy": "REJECT"})
    assert rejected.status_code == 409 and rejected.json()["message"].endswith(
        f"Existing ID: {first['id']}"
    )
    existing = upload(hs, options={"duplicateValidationStrategy": "RETURN_EXISTING"})
    assert existing.json()["id"] == first["id"]
    renamed = upload(hs, b"%PDF ny versjon").json()
    assert renamed["id"] != first["id"] and renamed["name"] == "faktura-10042-1"
    replaced = upload(hs, b"%PDF erstattet", options={"overwrite": True}).json()
    assert replaced["id"] == first["id"] and replaced["size"] == len(b"%PDF erstattet")


def test_files_need_a_files_scope(base):
    token = install(base, scopes=["oauth", "crm.objects.companies.read"])
    session = requests.Session()
    session.headers.update(bearer(token))

    class Hs:
        post = staticmethod(lambda path, **kw: session.post(base + path, **kw))

    reply = upload(Hs())
    assert reply.status_code == 403 and reply.json()["category"] == "MISSING_SCOPES"


def test_a_conflict_names_the_existing_id_in_its_message_only(base, hs):
    email = requests.get(f"{base}/_sandbox/portals/{DEMO}/objects/contacts").json()["results"][0]
    reply = hs.post(
        f"{O}/contacts", json={"properties": {"email": email["properties"]["email"].upper()}}
    )
    body = reply.json()
    assert reply.status_code == 409 and body["category"] == "CONFLICT"
    assert body["message"] == f"Contact already exists. Existing ID: {email['id']}"
    assert set(body) == {"status", "message", "correlationId", "category"}
