"""CRM objects: CRUD, list paging, batches and their limits, strings and timestamps, uniqueness."""

import re
import uuid

import pytest

O = "/crm/objects/2026-03"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.mark.parametrize(
    "object_type,props",
    [
        ("companies", {"name": "Ny Bedrift AS", "domain": "ny.no"}),
        ("contacts", {"firstname": "Ny", "email": "ny@ny.no"}),
        ("deals", {"dealname": "Ny avtale", "dealstage": "qualifiedtobuy", "amount": 1200}),
        ("products", {"name": "Ny vare", "hs_sku": "NY-1", "price": 99.5}),
        ("line_items", {"name": "Linje", "quantity": 2, "price": 10}),
        ("notes", {"hs_note_body": "Faktura sendt", "hs_timestamp": "2026-11-20T10:00:00Z"}),
    ],
)
def test_create_read_update_archive_each_type(hs, object_type, props):
    created = hs.post(f"{O}/{object_type}", json={"properties": props, "associations": []})
    assert created.status_code == 201
    record = created.json()
    rid = record["id"]
    assert record["properties"]["hs_object_id"] == rid
    assert all(isinstance(v, str) for v in record["properties"].values())
    assert ISO_MS.match(record["createdAt"]) and ISO_MS.match(record["properties"]["createdate"])
    name = next(iter(props))
    patched = hs.patch(f"{O}/{object_type}/{rid}", json={"properties": {name: "endret"}})
    assert patched.status_code == 200 and patched.json()["properties"][name] == "endret"
    assert (
        hs.get(f"{O}/{object_type}/{rid}?properties={name}").json()["properties"][name] == "endret"
    )
    assert hs.delete(f"{O}/{object_type}/{rid}").status_code == 204
    assert hs.get(f"{O}/{object_type}/{rid}").status_code == 404


def test_numbers_come_back_as_strings_and_deal_gets_default_pipeline(hs):
    deal = hs.post(
        f"{O}/deals",
        json={"properties": {"dealname": "D", "amount": 1500, "dealstage": "closedwon"}},
    ).json()
    assert deal["properties"]["amount"] == "1500" and deal["properties"]["pipeline"] == "default"


def test_default_properties_are_returned_when_none_are_named(hs):
    company = hs.get(f"{O}/companies?limit=1").json()["results"][0]
    assert set(company["properties"]) == {
        "name",
        "domain",
        "hs_object_id",
        "createdate",
        "hs_lastmodifieddate",
    }


def test_unknown_property_and_bad_number_get_validation_errors(hs):
    reply = hs.post(f"{O}/companies", json={"properties": {"nope": "x"}})
    assert reply.status_code == 400 and reply.json()["category"] == "VALIDATION_ERROR"
    assert reply.json()["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    bad = hs.post(f"{O}/deals", json={"properties": {"dealname": "x", "amount": "mange"}})
    assert bad.status_code == 400


def test_list_pages_through_every_record_exactly_once(hs):
    seen, after = [], None
    while True:
        page = hs.get(f"{O}/companies", params={"limit": 7, **({"after": after} if after else {})})
        body = page.json()
        seen += [r["id"] for r in body["results"]]
        after = body.get("paging", {}).get("next", {}).get("after")
        if not after:
            break
        assert isinstance(after, str)
    assert len(seen) == len(set(seen)) == 25
    assert hs.get(f"{O}/companies?limit=101").status_code == 400


def test_read_with_associations_and_id_property(hs):
    contact = hs.get(f"{O}/contacts?limit=1&associations=companies&properties=email").json()[
        "results"
    ][0]
    links = contact["associations"]["companies"]["results"]
    assert {link["type"] for link in links} == {
        "contact_to_company",
        "contact_to_company_unlabeled",
    }
    by_email = hs.get(f"{O}/contacts/{contact['properties']['email']}?idProperty=email").json()
    assert by_email["id"] == contact["id"]


def test_batch_read_reports_missing_ids_with_207(hs):
    ids = [r["id"] for r in hs.get(f"{O}/companies?limit=3").json()["results"]]
    reply = hs.post(
        f"{O}/companies/batch/read",
        json={
            "inputs": [{"id": i} for i in ids + ["999"]],
            "properties": ["name"],
            "propertiesWithHistory": [],
        },
    )
    body = reply.json()
    assert reply.status_code == 207 and body["numErrors"] == 1
    assert len(body["results"]) == 3 and body["errors"][0]["context"]["ids"] == ["999"]


def test_batch_create_and_update_and_the_size_limit(hs):
    good = hs.post(
        f"{O}/products/batch/create",
        json={"inputs": [{"properties": {"name": f"P{i}"}, "associations": []} for i in range(3)]},
    )
    assert good.status_code == 201 and good.json()["status"] == "COMPLETE"
    updated = hs.post(
        f"{O}/products/batch/update",
        json={
            "inputs": [{"id": r["id"], "properties": {"price": 5}} for r in good.json()["results"]]
        },
    )
    assert updated.status_code == 200
    assert {r["properties"]["price"] for r in updated.json()["results"]} == {"5"}
    too_many = hs.post(
        f"{O}/products/batch/create",
        json={"inputs": [{"properties": {"name": "x"}, "associations": []}] * 101},
    )
    assert too_many.status_code == 400


def test_unique_property_is_enforced_and_upsert_keys_on_it(hs):
    prop = {
        "name": "tripletex_customer_id",
        "label": "Tripletex customer",
        "groupName": "companyinformation",
        "type": "string",
        "fieldType": "text",
        "hasUniqueValue": True,
    }
    assert hs.post("/crm/properties/2026-03/companies", json=prop).status_code == 201
    first = hs.post(
        f"{O}/companies/batch/upsert",
        json={
            "inputs": [
                {
                    "id": "10042",
                    "idProperty": "tripletex_customer_id",
                    "properties": {"name": "X AS"},
                }
            ]
        },
    )
    assert first.status_code == 200 and first.json()["results"][0]["new"] is True
    again = hs.post(
        f"{O}/companies/batch/upsert",
        json={
            "inputs": [
                {
                    "id": "10042",
                    "idProperty": "tripletex_customer_id",
                    "properties": {"name": "Y AS"},
                }
            ]
        },
    )
    result = again.json()["results"][0]
    assert result["new"] is False and result["properties"]["name"] == "Y AS"
    clash = hs.post(
        f"{O}/companies", json={"properties": {"name": "Z", "tripletex_customer_id": "10042"}}
    )
    assert clash.status_code == 409 and clash.json()["category"] == "CONFLICT"
    duplicate_email = hs.post(
        f"{O}/contacts",
        json={
            "properties": {
                "email": hs.get(f"{O}/contacts?limit=1").json()["results"][0]["properties"]["email"]
            }
        },
    )
    assert duplicate_email.status_code == 409


def test_batch_answers_carry_iso_timestamps_and_upsert_reports_partial_failure(hs):
    prop = {
        "name": "tx_id",
        "label": "TX",
        "groupName": "companyinformation",
        "type": "string",
        "fieldType": "text",
        "hasUniqueValue": True,
    }
    hs.post("/crm/properties/2026-03/companies", json=prop)
    reply = hs.post(
        f"{O}/companies/batch/upsert",
        json={
            "inputs": [
                {"id": "1", "idProperty": "tx_id", "properties": {"name": "En AS"}},
                {"id": "2", "idProperty": "tx_id", "properties": {"name": "To AS", "nope": "x"}},
            ]
        },
    )
    body = reply.json()
    assert reply.status_code == 207 and body["numErrors"] == 1 and len(body["results"]) == 1
    assert ISO_MS.match(body["startedAt"]) and ISO_MS.match(body["completedAt"])
    assert body["errors"][0]["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"


def test_archived_records_are_listed_only_on_request_and_batch_archive_answers_204(hs):
    ids = [r["id"] for r in hs.get(f"{O}/products?limit=2").json()["results"]]
    assert (
        hs.post(
            f"{O}/products/batch/archive", json={"inputs": [{"id": i} for i in ids]}
        ).status_code
        == 204
    )
    live = {r["id"] for r in hs.get(f"{O}/products?limit=100").json()["results"]}
    archived = hs.get(f"{O}/products?archived=true").json()["results"]
    assert not live & set(ids) and {r["id"] for r in archived} == set(ids)
    assert all(r["archived"] is True and ISO_MS.match(r["archivedAt"]) for r in archived)


def _same_email_twice(hs):
    hs.post(f"{O}/contacts", json={"properties": {"email": "x@y.no"}})
    return hs.post(f"{O}/contacts", json={"properties": {"email": "X@y.no"}})


@pytest.mark.parametrize(
    "call,status,category",
    [
        (
            lambda hs: hs.post(f"{O}/companies", json={"properties": {"nope": "1"}}),
            400,
            "VALIDATION_ERROR",
        ),
        (lambda hs: hs.get(f"{O}/companies/999"), 404, "OBJECT_NOT_FOUND"),
        (_same_email_twice, 409, "CONFLICT"),
        (
            lambda hs: hs.get(f"{O}/companies", headers={"Authorization": "Bearer nope"}),
            401,
            "INVALID_AUTHENTICATION",
        ),
        (lambda hs: hs.get(f"{O}/notes/1/associations/nowhere"), 400, "VALIDATION_ERROR"),
    ],
)
def test_errors_carry_hubspots_body_with_correlation_id_and_category(hs, call, status, category):
    reply = call(hs)
    body = reply.json()
    assert reply.status_code == status and body["category"] == category
    assert body["status"] == "error" and body["message"]
    assert str(uuid.UUID(body["correlationId"])) == body["correlationId"]
    assert reply.headers["X-HubSpot-Correlation-Id"] == body["correlationId"]


@pytest.mark.parametrize(
    "verb,item",
    [
        ("read", {"id": "1"}),
        ("create", {"properties": {"name": "x"}}),
        ("update", {"id": "1", "properties": {"name": "x"}}),
        ("upsert", {"id": "x@y.no", "idProperty": "email", "properties": {}}),
        ("archive", {"id": "1"}),
    ],
)
def test_every_batch_refuses_more_than_100_inputs_and_changes_nothing(hs, verb, item):
    before = len(hs.get(f"{O}/contacts?limit=100").json()["results"])
    reply = hs.post(f"{O}/contacts/batch/{verb}", json={"inputs": [item] * 101})
    assert reply.status_code == 400 and "100" in reply.json()["message"]
    assert len(hs.get(f"{O}/contacts?limit=100").json()["results"]) == before
