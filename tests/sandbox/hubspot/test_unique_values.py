"""A unique value a record took by an update or a merge is taken: HubSpot refuses a second
contact with it (409, "Contact already exists. Existing ID: ...", which clients parse).

The sandbox finds a taken value in an index of the values each record was given (uniques.py),
so every write that stores values must note them there; a write that forgets leaves its new
value free for a duplicate. The restart half is in test_persistence.py.

What a merge does with the e-mail addresses: the survivor keeps the primary's e-mail, and
HubSpot adds the merged-away contact's e-mail to it as a secondary address, which then cannot
be given to a new contact either (knowledge.hubspot.com/contacts/how-do-i-merge-contacts:
"The email address of the secondary contact will be added to the resulting contact as a second
email address"; the 2017 version of the article: "you will not be able to create a new contact
with the email address of the old contact record that was merged"). The docs in ../shared/docs
say nothing of it, and the sandbox keeps no secondary addresses, so only the survivor's own
e-mail is checked here.
"""

from __future__ import annotations

O = "/crm/objects/2026-03"


def _contact(hs, email: str, **properties) -> str:
    made = hs.post(f"{O}/contacts", json={"properties": {"email": email, **properties}})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _refused_as_taken(reply, existing_id: str) -> None:
    assert reply.status_code == 409, reply.text
    body = reply.json()
    assert body["category"] == "CONFLICT"
    assert body["message"] == f"Contact already exists. Existing ID: {existing_id}"


def test_an_email_a_contact_was_given_by_an_update_is_taken(hs):
    contact = _contact(hs, "foer@flett.no")

    moved = hs.patch(f"{O}/contacts/{contact}", json={"properties": {"email": "etter@flett.no"}})
    assert moved.status_code == 200, moved.text

    for spelling in ("etter@flett.no", "Etter@Flett.NO"):
        again = hs.post(f"{O}/contacts", json={"properties": {"email": spelling}})
        _refused_as_taken(again, contact)


def test_the_survivors_email_is_taken_after_a_merge(hs):
    primary = _contact(hs, "hoved@flett.no", firstname="Anne")
    other = _contact(hs, "annen@flett.no", jobtitle="Sjef")

    merged = hs.post(
        f"{O}/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": other}
    )
    assert merged.status_code == 200, merged.text
    survivor = merged.json()
    assert survivor["id"] not in (primary, other)  # a new record (merge_creates_new_id)
    assert survivor["properties"]["email"] == "hoved@flett.no"

    for spelling in ("hoved@flett.no", "HOVED@flett.no"):
        again = hs.post(f"{O}/contacts", json={"properties": {"email": spelling}})
        _refused_as_taken(again, survivor["id"])
