"""Associations with HubSpot-defined type ids, properties and groups, the default deal pipeline."""
A, O = "/crm/associations/2026-03", "/crm/objects/2026-03"


def _first(hs, object_type):
    return hs.get(f"{O}/{object_type}?limit=1").json()["results"][0]["id"]


def test_default_and_typed_associations_both_directions(hs):
    deal, company = _first(hs, "deals"), _first(hs, "companies")
    reply = hs.put(f"{O}/deals/{deal}/associations/default/companies/{company}")
    assert reply.status_code == 200
    assert reply.json()["results"][0]["associationSpec"]["associationTypeId"] == 341
    typed = hs.put(f"{O}/deals/{deal}/associations/companies/{company}",
                   json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}])
    assert typed.status_code == 201 and typed.json()["labels"] == ["Primary"]
    back = hs.get(f"{O}/companies/{company}/associations/deals").json()["results"]
    type_ids = {t["typeId"] for row in back if row["toObjectId"] == deal for t in row["associationTypes"]}
    assert type_ids == {342, 6}
    wrong = hs.put(f"{O}/deals/{deal}/associations/companies/{company}",
                   json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}])
    assert wrong.status_code == 400
    assert hs.delete(f"{O}/deals/{deal}/associations/companies/{company}").status_code == 204
    assert not any(r["toObjectId"] == deal for r in
                   hs.get(f"{O}/companies/{company}/associations/deals").json()["results"])


def test_batch_create_and_read_associations_for_line_items_and_notes(hs):
    deal = _first(hs, "deals")
    item = hs.post(f"{O}/line_items", json={"properties": {"name": "L", "quantity": 1, "price": 1},
                                            "associations": []}).json()["id"]
    note = hs.post(f"{O}/notes", json={"properties": {"hs_note_body": "n", "hs_timestamp": "0"},
                                       "associations": [{"to": {"id": deal}, "types": [
                                           {"associationCategory": "HUBSPOT_DEFINED",
                                            "associationTypeId": 214}]}]}).json()["id"]
    made = hs.post(f"{A}/line_items/deals/batch/create", json={"inputs": [
        {"from": {"id": item}, "to": {"id": deal},
         "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20}]}]})
    assert made.status_code == 201
    read = hs.post(f"{A}/deals/line_items/batch/read", json={"inputs": [{"id": deal}]}).json()
    assert item in {t["toObjectId"] for t in read["results"][0]["to"]}
    notes = hs.post(f"{A}/deals/notes/batch/read", json={"inputs": [{"id": deal}]}).json()
    assert notes["results"][0]["to"][0]["associationTypes"][0]["typeId"] == 213
    assert note == notes["results"][0]["to"][0]["toObjectId"]


def test_properties_and_groups_can_be_read_and_created(hs):
    names = {p["name"] for p in hs.get("/crm/properties/2026-03/companies").json()["results"]}
    assert {"name", "domain", "orgnr", "hs_object_id"} <= names
    group = hs.post("/crm/properties/2026-03/companies/groups",
                    json={"name": "tripletex", "label": "Tripletex", "displayOrder": -1})
    assert group.status_code == 201
    assert "tripletex" in {g["name"] for g in hs.get("/crm/properties/2026-03/companies/groups").json()["results"]}
    made = hs.post("/crm/properties/2026-03/companies", json={
        "name": "tx_id", "label": "TX", "groupName": "tripletex", "type": "string",
        "fieldType": "text", "hasUniqueValue": True})
    assert made.status_code == 201 and made.json()["hasUniqueValue"] is True
    assert hs.get("/crm/properties/2026-03/companies/tx_id").json()["groupName"] == "tripletex"
    assert hs.patch("/crm/properties/2026-03/companies/tx_id",
                    json={"hasUniqueValue": False}).status_code == 400
    assert hs.post("/crm/properties/2026-03/companies", json=made.json()).status_code == 409


def test_default_pipeline_has_seven_stages_with_probability_and_closed_flags(hs):
    pipelines = hs.get("/crm/pipelines/2026-03/deals").json()["results"]
    stages = {s["id"]: s["metadata"] for s in pipelines[0]["stages"]}
    assert pipelines[0]["id"] == "default"
    assert list(stages) == ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
                            "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"]
    assert stages["closedwon"] == {"probability": "1.0", "isClosed": "true"}
    assert stages["closedlost"] == {"probability": "0.0", "isClosed": "true"}
    assert stages["contractsent"]["isClosed"] == "false"
    assert hs.get("/crm/pipelines/2026-03/deals/default/stages").json()["results"][0]["id"] == \
        "appointmentscheduled"
