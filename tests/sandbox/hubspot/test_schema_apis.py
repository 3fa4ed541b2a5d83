"""Associations with HubSpot-defined type ids, properties and groups, the default deal pipeline."""

import uuid

import pytest

A, O = "/crm/associations/2026-03", "/crm/objects/2026-03"


def _first(hs, object_type):
    return hs.get(f"{O}/{object_type}?limit=1").json()["results"][0]["id"]


def test_default_and_typed_associations_both_directions(hs):
    deal, company = _first(hs, "deals"), _first(hs, "companies")
    reply = hs.put(f"{O}/deals/{deal}/associations/default/companies/{company}")
    assert reply.status_code == 200
    assert reply.json()["results"][0]["associationSpec"]["associationTypeId"] == 341
    typed = hs.put(
        f"{O}/deals/{deal}/associations/companies/{company}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}],
    )
    assert typed.status_code == 201 and typed.json()["labels"] == ["Primary"]
    back = hs.get(f"{O}/companies/{company}/associations/deals").json()["results"]
    type_ids = {
        t["typeId"] for row in back if row["toObjectId"] == deal for t in row["associationTypes"]
    }
    assert type_ids == {342, 6}
    wrong = hs.put(
        f"{O}/deals/{deal}/associations/companies/{company}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
    )
    assert wrong.status_code == 400
    assert hs.delete(f"{O}/deals/{deal}/associations/companies/{company}").status_code == 204
    assert not any(
        r["toObjectId"] == deal
        for r in hs.get(f"{O}/companies/{company}/associations/deals").json()["results"]
    )


def test_batch_create_and_read_associations_for_line_items_and_notes(hs):
    deal = _first(hs, "deals")
    item = hs.post(
        f"{O}/line_items",
        json={"properties": {"name": "L", "quantity": 1, "price": 1}, "associations": []},
    ).json()["id"]
    note = hs.post(
        f"{O}/notes",
        json={
            "properties": {"hs_note_body": "n", "hs_timestamp": "0"},
            "associations": [
                {
                    "to": {"id": deal},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 214}],
                }
            ],
        },
    ).json()["id"]
    made = hs.post(
        f"{A}/line_items/deals/batch/create",
        json={
            "inputs": [
                {
                    "from": {"id": item},
                    "to": {"id": deal},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20}],
                }
            ]
        },
    )
    assert made.status_code == 201
    read = hs.post(f"{A}/deals/line_items/batch/read", json={"inputs": [{"id": deal}]}).json()
    assert item in {t["toObjectId"] for t in read["results"][0]["to"]}
    notes = hs.post(f"{A}/deals/notes/batch/read", json={"inputs": [{"id": deal}]}).json()
    assert notes["results"][0]["to"][0]["associationTypes"][0]["typeId"] == 213
    assert note == notes["results"][0]["to"][0]["toObjectId"]


def test_properties_and_groups_can_be_read_and_created(hs):
    names = {p["name"] for p in hs.get("/crm/properties/2026-03/companies").json()["results"]}
    assert {"name", "domain", "orgnr", "hs_object_id"} <= names
    group = hs.post(
        "/crm/properties/2026-03/companies/groups",
        json={"name": "tripletex", "label": "Tripletex", "displayOrder": -1},
    )
    assert group.status_code == 201
    assert "tripletex" in {
        g["name"] for g in hs.get("/crm/properties/2026-03/companies/groups").json()["results"]
    }
    made = hs.post(
        "/crm/properties/2026-03/companies",
        json={
            "name": "tx_id",
            "label": "TX",
            "groupName": "tripletex",
            "type": "string",
            "fieldType": "text",
            "hasUniqueValue": True,
        },
    )
    assert made.status_code == 201 and made.json()["hasUniqueValue"] is True
    assert hs.get("/crm/properties/2026-03/companies/tx_id").json()["groupName"] == "tripletex"
    assert (
        hs.patch(
            "/crm/properties/2026-03/companies/tx_id", json={"hasUniqueValue": False}
        ).status_code
        == 400
    )
    assert hs.post("/crm/properties/2026-03/companies", json=made.json()).status_code == 409


def test_default_pipeline_has_seven_stages_with_probability_and_closed_flags(hs):
    pipelines = hs.get("/crm/pipelines/2026-03/deals").json()["results"]
    stages = {s["id"]: s["metadata"] for s in pipelines[0]["stages"]}
    assert pipelines[0]["id"] == "default"
    assert list(stages) == [
        "appointmentscheduled",
        "qualifiedtobuy",
        "presentationscheduled",
        "decisionmakerboughtin",
        "contractsent",
        "closedwon",
        "closedlost",
    ]
    assert stages["closedwon"] == {"probability": "1.0", "isClosed": "true"}
    assert stages["closedlost"] == {"probability": "0.0", "isClosed": "true"}
    assert stages["contractsent"]["isClosed"] == "false"
    assert (
        hs.get("/crm/pipelines/2026-03/deals/default/stages").json()["results"][0]["id"]
        == "appointmentscheduled"
    )


def _new(hs, object_type):
    props = {
        "notes": {"hs_note_body": "n", "hs_timestamp": "2026-11-20T10:00:00Z"},
        "line_items": {"name": "L", "quantity": "1", "price": "1"},
        "contacts": {"email": f"{uuid.uuid4().hex[:8]}@x.no"},
    }.get(object_type, {})
    return hs.post(f"{O}/{object_type}", json={"properties": props}).json()["id"]


# The HubSpot-defined type ids of the brief's table (§4.3) that the sandbox's objects cover.
@pytest.mark.parametrize(
    "from_type,to_type,type_id,inverse,primary",
    [
        ("contacts", "companies", 279, 280, False),
        ("contacts", "companies", 1, 2, True),
        ("deals", "contacts", 3, 4, False),
        ("deals", "companies", 341, 342, False),
        ("deals", "companies", 5, 6, True),
        ("deals", "line_items", 19, 20, False),
        ("notes", "contacts", 202, 201, False),
        ("notes", "companies", 190, 189, False),
        ("notes", "deals", 214, 213, False),
    ],
)
def test_hubspot_defined_type_ids_and_their_inverses(
    hs, from_type, to_type, type_id, inverse, primary
):
    a, b = _new(hs, from_type), _new(hs, to_type)
    made = hs.put(
        f"{O}/{from_type}/{a}/associations/{to_type}/{b}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
    )
    assert made.status_code == 201
    back = hs.get(f"{O}/{to_type}/{b}/associations/{from_type}").json()["results"]
    type_ids = {t["typeId"] for t in back[0]["associationTypes"]}
    # A primary association brings the unlabelled one with it, as in HubSpot.
    unlabelled = {280: 280, 2: 280, 6: 342}.get(inverse, inverse)
    assert type_ids == ({inverse, unlabelled} if primary else {inverse})
    labels = {t.get("label") for t in back[0]["associationTypes"]}
    assert labels == ({"Primary", None} if primary else {None})


def test_a_unique_value_is_refused_on_update_too(hs):
    assert (
        hs.post(
            "/crm/properties/2026-03/companies",
            json={
                "name": "tx_customer",
                "label": "Customer",
                "groupName": "companyinformation",
                "type": "string",
                "fieldType": "text",
                "hasUniqueValue": True,
            },
        ).status_code
        == 201
    )
    first = hs.post(f"{O}/companies", json={"properties": {"name": "A", "tx_customer": "7"}}).json()
    second = hs.post(f"{O}/companies", json={"properties": {"name": "B"}}).json()
    clash = hs.patch(f"{O}/companies/{second['id']}", json={"properties": {"tx_customer": "7"}})
    assert clash.status_code == 409 and clash.json()["message"].endswith(
        f"Existing ID: {first['id']}"
    )
    assert "context" not in clash.json()  # HubSpot names the id in the message only (B12)
    assert hs.get(f"{O}/companies/7?idProperty=tx_customer").json()["id"] == first["id"]
    after = hs.get(f"{O}/companies/{second['id']}?properties=tx_customer").json()
    assert after["properties"]["tx_customer"] is None  # the refused write left nothing


def test_legacy_v3_and_v4_paths_answer_like_the_date_versioned_ones(hs):
    deal = _first(hs, "deals")
    for dated, legacy in (
        (
            f"{O}/deals/{deal}/associations/companies",
            f"/crm/v4/objects/deals/{deal}/associations/companies",
        ),
        ("/crm/properties/2026-03/companies/name", "/crm/v3/properties/companies/name"),
        ("/crm/pipelines/2026-03/deals/default", "/crm/v3/pipelines/deals/default"),
        (f"{O}/deals/{deal}", f"/crm/v3/objects/deals/{deal}"),
    ):
        assert hs.get(legacy).json() == hs.get(dated).json()
    read = hs.post(
        "/crm/v4/associations/deals/companies/batch/read", json={"inputs": [{"id": deal}]}
    )
    assert read.status_code == 200 and read.json()["results"][0]["from"] == {"id": deal}
