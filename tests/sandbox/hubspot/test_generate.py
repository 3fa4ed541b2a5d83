"""Big portals: the control API fills a portal with a generated world for the sync benchmarks
(issue 11, item 16), deterministic by seed, built through the same validation as the API.

What the generated records must look like is HubSpot's, as the rest of the sandbox has it:
contacts and deals with primary associations (which bring the unlabelled ones, as HubSpot's
associations guide describes), line items whose `amount` HubSpot computes, deals in the
pipeline's stages. The benchmark bench/hubspot_sandbox.py measures the speed at 10,000
companies and 20,000 contacts; these tests check the shape and the refusals.
"""

from __future__ import annotations

import copy
from collections import Counter

import requests
from stdnum.no import orgnr

from webapp.sandbox import demo_data
from webapp.sandbox.hubspot import records as sandbox_records

from .conftest import EMPTY, bearer, install

O = "/crm/objects/2026-03"
SIZES = {"companies": 40, "contacts": 80, "products": 12, "deals": 20, "linesPerDeal": 3}


def generate(base: str, portal: int, **body) -> requests.Response:
    return requests.post(f"{base}/_sandbox/portals/{portal}/generate", json=body)


def records(base: str, portal: int, object_type: str) -> list[dict]:
    reply = requests.get(f"{base}/_sandbox/portals/{portal}/objects/{object_type}")
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


def new_portal(base: str, name: str) -> int:
    made = requests.post(f"{base}/_sandbox/portals", json={"name": name})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_a_portal_is_filled_with_the_sizes_asked_for_and_the_api_serves_them(base):
    made = generate(base, EMPTY, seed=7, **SIZES)

    assert made.status_code == 201, made.text
    created = made.json()["created"]
    assert {k: created[k] for k in ("companies", "contacts", "products", "deals")} == {
        "companies": 40,
        "contacts": 80,
        "products": 12,
        "deals": 20,
    }
    assert 20 <= created["line_items"] <= 60
    counts = requests.get(f"{base}/_sandbox/portals/{EMPTY}").json()["counts"]
    assert counts["companies"] == 40 and counts["line_items"] == created["line_items"]

    # Installed afterwards, the app reads them through the CRM API, searchable at once.
    h = bearer(install(base, EMPTY))
    contact = records(base, EMPTY, "contacts")[0]
    found = requests.post(
        f"{base}{O}/contacts/search",
        json={
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": "email",
                            "operator": "EQ",
                            "value": contact["properties"]["email"],
                        }
                    ]
                }
            ]
        },
        headers=h,
    ).json()
    assert [r["id"] for r in found["results"]] == [contact["id"]]


def test_the_same_seed_makes_the_same_world_and_another_seed_another(base):
    first, second, third = (new_portal(base, n) for n in ("En AS", "To AS", "Tre AS"))
    for portal, seed in ((first, 11), (second, 11), (third, 12)):
        assert generate(base, portal, seed=seed, **SIZES).status_code == 201

    def world(portal):
        return {
            kind: [
                {k: v for k, v in r["properties"].items() if k in KEPT}
                for r in records(base, portal, kind)
            ]
            for kind in ("companies", "contacts", "products", "deals", "line_items")
        }

    assert world(first) == world(second)
    assert world(first)["companies"] != world(third)["companies"]


KEPT = {"name", "orgnr", "domain", "email", "firstname", "hs_sku", "price", "dealname"}
KEPT |= {"dealstage", "amount", "quantity", "hs_discount_percentage"}


def test_the_world_is_linked_and_as_untidy_as_a_real_crm(base):
    assert generate(base, EMPTY, seed=3, **SIZES).status_code == 201
    h = bearer(install(base, EMPTY))

    companies = records(base, EMPTY, "companies")
    numbers = [c["properties"].get("orgnr", "") for c in companies]
    assert sum(1 for n in numbers if not n) == 2  # one in twenty has none
    assert sum(1 for n in numbers if n and not orgnr.is_valid(n)) == 2  # one in twenty mistyped
    assert sum(1 for n in numbers if orgnr.is_valid(n)) == 36

    contacts = records(base, EMPTY, "contacts")
    assert len({c["properties"]["email"] for c in contacts}) == 80  # unique, as HubSpot insists
    linked = [
        requests.get(f"{base}{O}/contacts/{c['id']}?associations=companies", headers=h).json()
        for c in contacts[:20]
    ]
    alone = [c for c in linked if "associations" not in c]
    assert len(alone) == 1  # the twentieth contact belongs to no company
    kinds = {
        a["type"]
        for c in linked
        if "associations" in c
        for a in c["associations"]["companies"]["results"]
    }
    assert kinds == {"contact_to_company", "contact_to_company_unlabeled"}

    deals = records(base, EMPTY, "deals")
    pipeline = requests.get(f"{base}/crm/pipelines/2026-03/deals/default", headers=h).json()
    stages = {s["id"]: s["metadata"] for s in pipeline["stages"]}
    assert {d["properties"]["pipeline"] for d in deals} == {"default"}
    outcome = Counter(
        "won"
        if stages[d["properties"]["dealstage"]]["probability"] == "1.0"
        else "lost"
        if stages[d["properties"]["dealstage"]]["isClosed"] == "true"
        else "open"
        for d in deals
    )
    assert outcome == {"open": 8, "won": 7, "lost": 5}

    for deal in deals[:5]:
        read = requests.get(
            f"{base}{O}/deals/{deal['id']}?associations=companies,line_items", headers=h
        ).json()
        assert read["associations"]["companies"]["results"]
        items = [i["id"] for i in read["associations"]["line_items"]["results"]]
        lines = requests.post(
            f"{base}{O}/line_items/batch/read",
            json={
                "inputs": [{"id": i} for i in items],
                "properties": ["amount", "price"],
                "propertiesWithHistory": [],
            },
            headers=h,
        ).json()["results"]
        assert 1 <= len(lines) <= 3
        total = sum(float(line["properties"]["amount"]) for line in lines)
        assert float(read["properties"]["amount"]) == round(total, 2)


def test_a_portal_with_the_app_installed_is_refused_and_keeps_what_it_had(base):
    install(base, EMPTY)
    before = requests.get(f"{base}/_sandbox/portals/{EMPTY}").json()["counts"]

    refused = generate(base, EMPTY, companies=5)

    assert refused.status_code == 400
    assert "generate a world before installing" in refused.json()["message"]
    assert requests.get(f"{base}/_sandbox/portals/{EMPTY}").json()["counts"] == before


def test_a_world_whose_emails_the_portal_already_has_is_refused_whole(base):
    assert generate(base, EMPTY, seed=5, **SIZES).status_code == 201
    before = requests.get(f"{base}/_sandbox/portals/{EMPTY}").json()["counts"]

    again = generate(base, EMPTY, seed=5, **SIZES)

    assert again.status_code == 400
    assert "already has a contact" in again.json()["message"]
    assert requests.get(f"{base}/_sandbox/portals/{EMPTY}").json()["counts"] == before


def test_a_world_the_portal_refuses_half_way_leaves_nothing_behind(base):
    """A portal whose `orgnr` is a dropdown of three numbers takes the first three generated
    companies and refuses the fourth (INVALID_OPTION): all or nothing, so none is kept."""
    world = demo_data.generate(1, companies=4)
    first_three = [c["org_number"] for c in world["companies"][:3]]
    portal = requests.post(
        f"{base}/_sandbox/portals",
        json={
            "name": "Valg AS",
            "properties": {
                "companies": [
                    {
                        "name": "orgnr",
                        "label": "Org.nr",
                        "type": "enumeration",
                        "fieldType": "select",
                        "options": [{"label": n, "value": n} for n in first_three],
                    }
                ]
            },
            "objects": {"companies": [{"properties": {"name": "Før AS"}}]},
        },
    ).json()["id"]

    refused = generate(base, portal, seed=1, companies=4, contacts=10)

    assert refused.status_code == 400, refused.text
    assert refused.json()["category"] == "VALIDATION_ERROR"
    assert [c["properties"]["name"] for c in records(base, portal, "companies")] == ["Før AS"]
    assert records(base, portal, "contacts") == []
    # The portal still works as before: the values the failed world took are free again.
    assert generate(base, portal, seed=1, companies=3).status_code == 201


SMALL = {"companies": 5, "contacts": 10, "products": 4, "deals": 3, "linesPerDeal": 2}
KINDS = ("companies", "contacts", "products", "deals", "line_items")


def _portal_with_a_company_and_a_contact(base: str) -> int:
    made = requests.post(
        f"{base}/_sandbox/portals",
        json={
            "name": "Sen Feil AS",
            "objects": {
                "companies": [{"ref": "co", "properties": {"name": "Før AS"}}],
                "contacts": [
                    {
                        "properties": {"email": "foer@flett.no"},
                        "associations": [
                            {
                                "to": {"ref": "co"},
                                "types": [
                                    {
                                        "associationCategory": "HUBSPOT_DEFINED",
                                        "associationTypeId": 1,
                                    }
                                ],
                            }
                        ],
                    }
                ],
            },
        },
    )
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _as_it_stands(sb, portal_id: int) -> dict:
    """What a failed generation must leave as it found: records, links, the unique-value
    index (saved with the portal), the custom properties and where record ids stand."""
    portal = sb.state.portals[portal_id]
    return copy.deepcopy(
        {
            "records": {kind: sorted(table) for kind, table in portal.records.items()},
            "associations": portal.associations,
            "unique_values": portal.unique_values,
            "company_properties": sorted(portal.custom_properties["companies"]),
            "next_id": sb.state.id_mark(),
        }
    )


def test_a_world_refused_at_its_last_contact_leaves_nothing_behind(base, sb):
    """The last contact's e-mail was blocked by a GDPR delete (the contacts spec's
    gdpr-delete: "the email address will be added to a blocklist"), so the world is refused
    after every company and every other contact, with their associations, was made."""
    sizes = {k: v for k, v in SMALL.items() if k != "linesPerDeal"}
    world = demo_data.generate(9, **sizes, lines_per_deal=SMALL["linesPerDeal"])
    blocked = world["contacts"][-1]["email"]
    assert world["contacts"][-1]["company"] is not None  # it is linked, as most are
    portal = _portal_with_a_company_and_a_contact(base)
    h = bearer(install(base, portal))
    forgotten = requests.post(
        f"{base}{O}/contacts/gdpr-delete",
        json={"objectId": blocked, "idProperty": "email"},
        headers=h,
    )
    assert forgotten.status_code == 204, forgotten.text
    assert requests.post(f"{base}/_sandbox/portals/{portal}/uninstall").status_code == 204
    before = _as_it_stands(sb, portal)

    refused = generate(base, portal, seed=9, **SMALL)

    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["code"] == "BLOCKED_EMAIL"
    after = _as_it_stands(sb, portal)
    assert after["records"] == before["records"]
    assert [c["properties"]["name"] for c in records(base, portal, "companies")] == ["Før AS"]
    assert after["associations"] == before["associations"]
    assert "orgnr" not in after["company_properties"]
    assert after == before
    # Nothing of the world is left to stand in its way: asked again, it is refused for the
    # blocked e-mail again, not for contacts the portal "already has".
    again = generate(base, portal, seed=9, **SMALL)
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "BLOCKED_EMAIL"


def test_a_world_that_breaks_at_its_last_step_leaves_nothing_and_can_be_made_again(
    base, sb, monkeypatch
):
    """Any failure, not only a refusal: here the amount of the last deal, after every other
    record and link was made, raises what no validation would (a bug: a 500)."""
    portal = _portal_with_a_company_and_a_contact(base)
    before = _as_it_stands(sb, portal)
    update, deals = sandbox_records.update, []

    def breaks_at_the_last_deal(sandbox, portal, object_type, record, values, source=None):
        deals.append(record.id)
        if len(deals) == SMALL["deals"]:
            raise RuntimeError("the disk is full")
        return update(sandbox, portal, object_type, record, values, source)

    monkeypatch.setattr(sandbox_records, "update", breaks_at_the_last_deal)

    broken = generate(base, portal, seed=4, **SMALL)

    assert broken.status_code == 500, broken.text
    assert len(deals) == SMALL["deals"]  # it got as far as the last deal
    after = _as_it_stands(sb, portal)
    assert after["records"] == before["records"]
    assert after["associations"] == before["associations"]
    assert "orgnr" not in after["company_properties"]
    assert after == before
    monkeypatch.setattr(sandbox_records, "update", update)
    made = generate(base, portal, seed=4, **SMALL)
    assert made.status_code == 201, made.text
    assert made.json()["created"]["contacts"] == SMALL["contacts"]


def test_an_unknown_portal_is_404(base):
    assert generate(base, 4009999, companies=1).status_code == 404
