"""HubSpot contacts into Tripletex contacts on their company's customer, over real HTTP."""

from __future__ import annotations

from collections import Counter

import requests

from webapp.collaborators import Collaborators
from webapp.sandbox import demo_data

WORLD = demo_data.build()
PRIMARY, UNLABELLED = 1, 279  # HubSpot's contact-to-company association types


def tripletex_contacts(synced) -> list[dict]:
    with Collaborators.opened(synced.stack.app.config) as c:
        return list(
            c.tripletex(synced.portal_id).list(
                "/contact", fields="id,version,firstName,lastName,email,customer(id)"
            )
        )


def hubspot_contacts(synced) -> dict[str, dict]:
    answer = requests.get(
        f"{synced.stack.hubspot_url}/_sandbox/portals/{synced.portal_id}/objects/contacts",
        timeout=10,
    )
    return {r["id"]: r["properties"] for r in answer.json()["results"]}


def company_ids(synced) -> dict[str, str]:
    """HubSpot company id by name."""
    return {p["name"]: i for i, p in synced.companies().items()}


def customer_ids(synced) -> dict[str, int]:
    return {c["name"]: c["id"] for c in synced.customers()}


def test_each_contact_becomes_one_tripletex_contact_on_its_companys_customer(synced):
    synced.backfill()

    made = tripletex_contacts(synced)
    assert Counter(c["email"] for c in made) == Counter(c["email"] for c in WORLD["contacts"])
    customers = customer_ids(synced)
    names = {c["key"]: c["name"] for c in WORLD["companies"]}
    by_email = {c["email"]: c for c in made}
    for person in WORLD["contacts"]:
        contact = by_email[person["email"]]
        assert (contact["firstName"], contact["lastName"]) == (
            person["firstname"],
            person["lastname"],
        )
        assert contact["customer"]["id"] == customers[names[person["company"]]]
    # Each HubSpot contact carries its Tripletex contact's id.
    for properties in hubspot_contacts(synced).values():
        assert properties["tripletex_contact_id"] == str(by_email[properties["email"]]["id"])
        assert properties["tripletex_sync_status"] == "synced"


def test_an_existing_tripletex_contact_with_the_same_email_is_linked_not_duplicated(synced):
    person = WORLD["contacts"][0]
    company = next(c for c in WORLD["companies"] if c["key"] == person["company"])
    assert company["in_tripletex"]  # its customer exists before the sync
    with Collaborators.opened(synced.stack.app.config) as c:
        client = c.tripletex(synced.portal_id)
        customer = next(
            x for x in client.list("/customer", fields="id,name") if x["name"] == company["name"]
        )
        existing = client.create(
            "/contact",
            {
                "firstName": person["firstname"],
                "lastName": person["lastname"],
                "email": person["email"].upper(),  # typed differently by the accountant
                "customer": {"id": customer["id"]},
            },
        )

    synced.backfill()

    same = [c for c in tripletex_contacts(synced) if c["email"].lower() == person["email"]]
    assert [c["id"] for c in same] == [existing["id"]]


def test_a_contact_moved_to_another_company_moves_to_that_customer(synced):
    synced.backfill()
    person = WORLD["contacts"][0]
    contact_id = next(
        i for i, p in hubspot_contacts(synced).items() if p["email"] == person["email"]
    )
    old = next(c["name"] for c in WORLD["companies"] if c["key"] == person["company"])
    new = next(c["name"] for c in WORLD["companies"] if c["name"] != old)
    companies = company_ids(synced)
    synced.hubspot_control(
        "DELETE", f"objects/contacts/{contact_id}/associations/companies/{companies[old]}"
    )
    synced.hubspot_control(
        "PUT",
        f"objects/contacts/{contact_id}/associations/companies/{companies[new]}",
        {"typeId": PRIMARY},
    )

    synced.backfill("--restart")

    moved = [c for c in tripletex_contacts(synced) if c["email"] == person["email"]]
    assert [c["customer"]["id"] for c in moved] == [customer_ids(synced)[new]]


def test_a_contact_of_several_companies_goes_to_its_primary_one(synced):
    person = WORLD["contacts"][-1]  # of the last company, whose id is not the lowest
    contact_id = next(
        i for i, p in hubspot_contacts(synced).items() if p["email"] == person["email"]
    )
    primary = next(c["name"] for c in WORLD["companies"] if c["key"] == person["company"])
    # Also associated (unlabelled) with a company whose HubSpot id sorts before the primary's.
    companies = company_ids(synced)
    other = min((n for n in companies if n != primary), key=lambda n: int(companies[n]))
    assert int(companies[other]) < int(companies[primary])
    synced.hubspot_control(
        "PUT",
        f"objects/contacts/{contact_id}/associations/companies/{companies[other]}",
        {"typeId": UNLABELLED},
    )

    synced.backfill()

    made = [c for c in tripletex_contacts(synced) if c["email"] == person["email"]]
    assert [c["customer"]["id"] for c in made] == [customer_ids(synced)[primary]]


def test_a_contact_without_a_company_stays_out_of_tripletex(synced):
    synced.hubspot_control(
        "POST",
        "objects/contacts",
        {"properties": {"firstname": "Ensom", "lastname": "Ulv", "email": "ensom@example.no"}},
    )

    synced.backfill()

    assert not [c for c in tripletex_contacts(synced) if c["email"] == "ensom@example.no"]
    lone = next(p for p in hubspot_contacts(synced).values() if p["email"] == "ensom@example.no")
    assert not lone.get("tripletex_contact_id")


def test_a_contact_of_a_held_company_waits_and_follows_it_once_fixed(synced):
    from tests.sync.test_customers import with_settings

    with_settings(synced, {"invalid_org_number": "hold"})
    held = next(c for c in WORLD["companies"] if c["org_number_malformed"])
    people = {c["email"] for c in WORLD["contacts"] if c["company"] == held["key"]}

    synced.backfill()

    assert not [c for c in tripletex_contacts(synced) if c["email"] in people]
    company_id = company_ids(synced)[held["name"]]
    synced.hubspot_control(
        "PATCH",
        f"objects/companies/{company_id}",
        {"properties": {"orgnr": demo_data.make_org_number(__import__("random").Random(7))}},
    )

    synced.backfill("--restart")

    assert {c["email"] for c in tripletex_contacts(synced) if c["email"] in people} == people


def test_a_lost_answer_to_a_contact_create_ends_with_exactly_one_contact_each(synced):
    requests.post(
        f"{synced.stack.tripletex_url}/_sandbox/faults",
        json={"lost_responses": 1, "path_prefix": "/v2/contact/list"},
        timeout=10,
    ).raise_for_status()

    synced.backfill()

    made = Counter(c["email"] for c in tripletex_contacts(synced))
    assert made == Counter(c["email"] for c in WORLD["contacts"])  # each exactly once
    found = synced.rows(
        "select count(*) as n from sync_log where hubspot_type = 'contacts' and action = ?",
        ["found_after_lost_answer"],
    )
    assert found[0]["n"] > 0
