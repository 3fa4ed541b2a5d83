"""Property values and definitions as HubSpot judges them, and what each object carries.

Sources: fidelity-findings B1 and B6; HubSpot's INVALID_OPTION body as captured from the real
API ('Property values were not valid: [{"isValid":false,"message":"reports was not one of the
allowed options: [...]","error":"INVALID_OPTION","name":"hs_ticket_category"}]', public
client issues); the properties guide (https://developers.hubspot.com/docs/api-reference/
latest/crm/properties/guide: "Property type and fieldType values", unique value properties);
the notes guide's 65,536-character limit; the search guide's default contact properties
("createdate, email, firstname, hs_object_id, lastmodifieddate, and lastname":
https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm); and the
objects spec's propertiesWithHistory (ValueWithTimestamp).
"""

import json

import pytest
import requests

from .conftest import DEMO, bearer, install

O, P = "/crm/objects/2026-03", "/crm/properties/2026-03"
BAD_OPTION = "was not one of the allowed options"


def _prop(**overrides):
    return {
        "name": "tx_status",
        "label": "Status",
        "groupName": "dealinformation",
        "type": "enumeration",
        "fieldType": "select",
        "options": [{"label": "Paid", "value": "paid", "displayOrder": 0, "hidden": False}],
        **overrides,
    }


def _refused_option(reply, name):
    body = reply.json()
    assert reply.status_code == 400 and body["category"] == "VALIDATION_ERROR", reply.text
    detail = json.loads(body["message"].removeprefix("Property values were not valid: "))
    assert [(d["isValid"], d["error"], d["name"]) for d in detail] == [
        (False, "INVALID_OPTION", name)
    ]
    assert BAD_OPTION in detail[0]["message"]
    assert body["errors"][0]["code"] == "INVALID_OPTION"


def _deal(hs):
    return hs.get(f"{O}/deals?limit=1").json()["results"][0]["id"]


@pytest.mark.parametrize(
    "name,value",
    [
        ("tx_status", "partially_paid"),  # a custom enumeration
        ("deal_currency_code", "XYZ"),  # the account's currencies (NOK only)
        ("deal_currency_code", "EUR"),
        ("hubspot_owner_id", "999999"),  # the account's owners
        ("dealtype", "somebusiness"),
    ],
)
def test_values_outside_an_enumerations_options_are_refused_with_invalid_option(hs, name, value):
    """Every enumeration refuses values outside its options with INVALID_OPTION (B6)."""
    assert hs.post(f"{P}/deals", json=_prop()).status_code == 201
    deal = _deal(hs)
    _refused_option(hs.patch(f"{O}/deals/{deal}", json={"properties": {name: value}}), name)


def test_the_accounts_owners_and_currencies_are_the_valid_values(hs, base):
    deal = _deal(hs)
    owner = requests.get(f"{base}/_sandbox/portals/{DEMO}").json()["users"][1]["ownerId"]
    ok = hs.patch(
        f"{O}/deals/{deal}",
        json={"properties": {"hubspot_owner_id": owner, "deal_currency_code": "NOK"}},
    )
    assert ok.status_code == 200 and ok.json()["properties"]["hubspot_owner_id"] == str(owner)
    requests.post(f"{base}/_sandbox/portals", json={"id": 4000030, "currencies": ["NOK", "EUR"]})
    other = bearer(install(base, 4000030))
    euro = requests.post(
        f"{base}{O}/deals",
        headers=other,
        json={"properties": {"dealname": "E", "deal_currency_code": "EUR"}},
    )
    assert euro.status_code == 201
    details = requests.get(f"{base}/account-info/2026-03/details", headers=other).json()
    assert (details["companyCurrency"], details["additionalCurrencies"]) == ("NOK", ["EUR"])


def test_a_bool_takes_true_or_false_and_numbers_must_be_numbers(hs):
    hs.post(
        f"{P}/companies",
        json=_prop(
            name="tx_flag",
            groupName="companyinformation",
            type="bool",
            fieldType="booleancheckbox",
            options=[],
        ),
    )
    company = hs.get(f"{O}/companies?limit=1").json()["results"][0]["id"]
    _refused_option(
        hs.patch(f"{O}/companies/{company}", json={"properties": {"tx_flag": "yes"}}), "tx_flag"
    )
    assert (
        hs.patch(f"{O}/companies/{company}", json={"properties": {"tx_flag": True}}).status_code
        == 200
    )
    bad = hs.patch(f"{O}/companies/{company}", json={"properties": {"numberofemployees": "many"}})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "INVALID_FLOAT"


def test_values_over_65536_characters_are_refused(hs):
    """Property values are limited to 65,536 characters (notes guide; B6)."""
    deal = _deal(hs)
    assert (
        hs.patch(
            f"{O}/deals/{deal}", json={"properties": {"description": "x" * 65_536}}
        ).status_code
        == 200
    )
    refused = hs.patch(f"{O}/deals/{deal}", json={"properties": {"dealname": "x" * 65_537}})
    assert refused.status_code == 400 and refused.json()["errors"][0]["context"] == {
        "propertyName": ["dealname"]
    }


@pytest.mark.parametrize(
    "object_type,overrides",
    [
        ("companies", {"name": "Bad Name"}),
        ("companies", {"name": "9lives"}),
        ("companies", {"name": "hs_mine"}),
        ("companies", {"type": "number", "fieldType": "text"}),
        ("companies", {"type": "string", "fieldType": "select", "options": []}),
        ("companies", {"type": "bool", "fieldType": "checkbox"}),
        (
            "companies",
            {
                "options": [
                    {"label": "A", "value": "a", "displayOrder": 0, "hidden": False},
                    {"label": "B", "value": "a", "displayOrder": 1, "hidden": False},
                ]
            },
        ),
        (
            "products",
            {"type": "string", "fieldType": "text", "options": [], "hasUniqueValue": True},
        ),
        (
            "line_items",
            {"type": "string", "fieldType": "text", "options": [], "hasUniqueValue": True},
        ),
    ],
)
def test_property_definitions_hubspot_refuses_are_refused(hs, object_type, overrides):
    """Names, type/fieldType pairs, options and unique values as the properties guide allows."""
    group = {
        "companies": "companyinformation",
        "products": "productinformation",
        "line_items": "line_iteminformation",
    }
    reply = hs.post(f"{P}/{object_type}", json=_prop(groupName=group[object_type], **overrides))
    assert reply.status_code == 400, reply.text
    names = {p["name"] for p in hs.get(f"{P}/{object_type}").json()["results"]}
    assert overrides.get("name", "tx_status") not in names


def test_unique_value_properties_are_for_contacts_companies_and_deals_ten_at_most(hs):
    for index in range(10):
        made = hs.post(
            f"{P}/deals",
            json=_prop(
                name=f"tx_key_{index}",
                type="string",
                fieldType="text",
                options=[],
                hasUniqueValue=True,
            ),
        )
        assert made.status_code == 201
    eleventh = hs.post(
        f"{P}/deals",
        json=_prop(
            name="tx_key_10", type="string", fieldType="text", options=[], hasUniqueValue=True
        ),
    )
    assert eleventh.status_code == 400


def test_contacts_carry_lastmodifieddate_and_other_objects_hs_lastmodifieddate(hs):
    """Contacts have lastmodifieddate, not hs_lastmodifieddate (search guide; B1)."""
    contact = hs.get(f"{O}/contacts?limit=1").json()["results"][0]
    assert set(contact["properties"]) == {
        "firstname",
        "lastname",
        "email",
        "hs_object_id",
        "createdate",
        "lastmodifieddate",
    }
    names = {p["name"] for p in hs.get(f"{P}/contacts").json()["results"]}
    assert "lastmodifieddate" in names and "hs_lastmodifieddate" not in names
    deal_names = {p["name"] for p in hs.get(f"{P}/deals").json()["results"]}
    assert {"hs_lastmodifieddate", "hs_is_closed_won", "pipeline", "dealstage"} <= deal_names
    owner = hs.get(f"{P}/deals/hubspot_owner_id").json()
    assert (owner["type"], owner["fieldType"], owner["externalOptions"]) == (
        "enumeration",
        "select",
        True,
    )
    won = hs.get(f"{P}/deals/hs_is_closed_won").json()
    assert (won["type"], won["calculated"], won["modificationMetadata"]["readOnlyValue"]) == (
        "bool",
        True,
        True,
    )


def test_properties_with_history_come_newest_first_on_reads_and_batch_reads(hs, base, clock):
    """propertiesWithHistory answers ValueWithTimestamp lists (objects spec; B1)."""
    contact = hs.get(f"{O}/contacts?limit=1").json()["results"][0]["id"]
    hs.patch(f"{O}/contacts/{contact}", json={"properties": {"jobtitle": "Selger"}})
    clock.advance(1)
    requests.patch(
        f"{base}/_sandbox/portals/{DEMO}/objects/contacts/{contact}",
        json={"properties": {"jobtitle": "Sjef"}, "userId": 7000002},
    )
    read = hs.get(f"{O}/contacts/{contact}?propertiesWithHistory=jobtitle").json()
    history = read["propertiesWithHistory"]["jobtitle"]
    assert [(h["value"], h["sourceType"]) for h in history] == [
        ("Sjef", "CRM_UI"),
        ("Selger", "INTEGRATION"),
    ]
    assert history[0]["updatedByUserId"] == 7000002 and history[1]["sourceId"] == "1000001"
    batch = hs.post(
        f"{O}/contacts/batch/read",
        json={
            "inputs": [{"id": contact}],
            "properties": ["jobtitle"],
            "propertiesWithHistory": ["jobtitle"],
        },
    ).json()["results"][0]
    assert batch["propertiesWithHistory"]["jobtitle"] == history
