"""Live sync: HubSpot's webhooks into the inbox, and the worker acting on them, over real HTTP.

The HubSpot sandbox sends the events of the subscriptions our project declares
(hubspot/src/app/webhooks/webhooks-hsmeta.json) to the app's /hubspot/webhooks, signed as
HubSpot signs them; `flask sync run` then does what the worker's task does.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import requests

from tests.sync.test_contacts import hubspot_contacts, tripletex_contacts
from webapp.clients.hubspot_signature import sign_v3
from webapp.collaborators import Collaborators
from webapp.config import SANDBOX_HUBSPOT_APP_ID, SANDBOX_HUBSPOT_CLIENT_SECRET

NEW = "Nyhavn Fiskemat AS"


def delivered(synced) -> None:
    """Wait until the HubSpot sandbox has delivered every event it has."""
    assert synced.stack.hubspot_sandbox.webhooks.wait_idle(10)


def run(synced):
    result = synced.runner.invoke(args=["sync", "run", str(synced.portal_id)])
    assert result.exit_code == 0, result.output
    return result


def inbox(synced) -> list[dict]:
    return synced.rows("select state, subscription_type, object_id from sync_inbox order by id")


def post_events(synced, events, *, secret=SANDBOX_HUBSPOT_CLIENT_SECRET, age_ms=0, headers=None):
    url = f"{synced.stack.app_url}/hubspot/webhooks"
    body = json.dumps(events)
    timestamp = int(time.time() * 1000) - age_ms
    signed = {
        "Content-Type": "application/json",
        "X-HubSpot-Request-Timestamp": str(timestamp),
        "X-HubSpot-Signature-v3": sign_v3(secret, "POST", url, body, timestamp),
    }
    return requests.post(url, data=body, headers=headers if headers is not None else signed)


def event(synced, object_id, *, kind="object.propertyChange", prop="name", at=None, **extra):
    return {
        "eventId": 1,
        "subscriptionId": 500_001,
        "portalId": synced.portal_id,
        "appId": int(SANDBOX_HUBSPOT_APP_ID),
        "occurredAt": at or int(time.time() * 1000),
        "subscriptionType": kind,
        "attemptNumber": 0,
        "objectId": int(object_id),
        "objectTypeId": "0-2",
        "changeSource": "CRM_UI",
        "sourceId": "userId:7000001",
        "propertyName": prop,
        "propertyValue": "x",
        **extra,
    }


def company_id(synced, name: str) -> str:
    return next(i for i, p in synced.companies().items() if p["name"] == name)


def test_a_company_created_in_hubspot_reaches_tripletex_and_gets_its_customer_number(synced):
    synced.backfill()
    delivered(synced)
    made = synced.hubspot_control(
        "POST", "objects/companies", {"properties": {"name": NEW, "city": "Bergen"}}
    )
    delivered(synced)
    assert [e["object_id"] for e in inbox(synced) if e["state"] == "pending"] == [made["id"]] * len(
        [e for e in inbox(synced) if e["state"] == "pending"]
    )

    run(synced)

    customers = [c for c in synced.customers() if c["name"] == NEW]
    assert len(customers) == 1
    company = synced.companies()[made["id"]]
    assert company["tripletex_customer_number"] == str(customers[0]["customerNumber"])
    assert {e["state"] for e in inbox(synced)} == {"done"}


def test_our_own_write_back_does_not_come_back_as_work(synced):
    synced.backfill()
    synced.hubspot_control("POST", "objects/companies", {"properties": {"name": NEW}})
    delivered(synced)
    run(synced)  # writes the customer id and number back onto the company
    delivered(synced)
    before = len(inbox(synced))

    again = run(synced)

    assert "nothing to do" in again.output
    assert len(inbox(synced)) == before  # no event of ours was stored


def test_two_property_changes_from_one_save_end_in_one_write(synced):
    synced.backfill()
    target = company_id(synced, "Nordlys Regnskap AS")
    before = next(c for c in synced.customers() if c["name"] == "Nordlys Regnskap AS")
    synced.hubspot_control(
        "PATCH",
        f"objects/companies/{target}",
        {"properties": {"phone": "+47 77 00 11 22", "website": "https://nordlys.example.no"}},
    )
    delivered(synced)
    assert len([e for e in inbox(synced) if e["state"] == "pending"]) == 2

    run(synced)

    after = next(c for c in synced.customers() if c["name"] == "Nordlys Regnskap AS")
    assert (after["phoneNumber"], after["website"]) == (
        "+47 77 00 11 22",
        "https://nordlys.example.no",
    )
    assert after["version"] == before["version"] + 1


def test_duplicate_and_out_of_order_events_leave_the_current_state(synced):
    synced.backfill()
    target = company_id(synced, "Bølgen Design AS")
    mode = requests.post(
        f"{synced.stack.hubspot_url}/_sandbox/webhooks",
        json={"duplicate": True, "reorder": True},
        timeout=10,
    )
    assert mode.ok, mode.text
    for phone in ("+47 11 11 11 11", "+47 22 22 22 22", "+47 33 33 33 33"):
        synced.hubspot_control(
            "PATCH", f"objects/companies/{target}", {"properties": {"phone": phone}}
        )
    delivered(synced)
    stored = [e for e in inbox(synced) if e["state"] == "pending"]
    assert len(stored) == 3  # each sent twice, each stored once

    run(synced)

    customer = next(c for c in synced.customers() if c["name"] == "Bølgen Design AS")
    assert customer["phoneNumber"] == "+47 33 33 33 33"  # what HubSpot holds now


def test_events_before_the_first_sync_was_confirmed_wait(synced):
    synced.hubspot_control("POST", "objects/companies", {"properties": {"name": NEW}})
    delivered(synced)

    run(synced)

    assert not [c for c in synced.customers() if c["name"] == NEW]
    assert {e["state"] for e in inbox(synced)} == {"pending"}


def test_a_forged_stale_or_unsigned_delivery_is_refused_and_nothing_stored(synced):
    target = company_id(synced, "Bølgen Design AS")
    events = [event(synced, target)]

    forged = post_events(synced, events, secret="not-the-app-secret")
    stale = post_events(synced, events, age_ms=6 * 60 * 1000)
    unsigned = post_events(synced, events, headers={"Content-Type": "application/json"})

    assert [r.status_code for r in (forged, stale, unsigned)] == [401, 401, 401]
    assert forged.json()["message"] == "This request is not signed by HubSpot: signature mismatch"
    assert inbox(synced) == []


def test_a_malformed_delivery_is_refused_with_a_clear_message(synced):
    assert post_events(synced, {"not": "a list"}).json() == {
        "error": "bad_request",
        "message": "The body must be a JSON array of event objects.",
    }
    too_many = [event(synced, 1, at=1_000 + i) for i in range(101)]
    answer = post_events(synced, too_many)
    assert answer.status_code == 400
    assert answer.json()["message"] == "At most 100 events are accepted in one request."
    assert inbox(synced) == []


def test_events_the_sync_does_not_act_on_still_get_a_2xx(synced):
    """HubSpot retries anything else for a day."""
    target = company_id(synced, "Bølgen Design AS")
    ours = event(synced, target, changeSource="INTEGRATION", sourceId=SANDBOX_HUBSPOT_APP_ID)
    other_app = event(synced, target, appId=42)
    other_portal = dict(event(synced, target), portalId=9_999_999)
    malformed = {"subscriptionType": "object.propertyChange", "objectId": "x"}

    answer = post_events(synced, [ours, other_app, other_portal, malformed])

    assert answer.status_code == 200
    assert answer.json() == {"stored": 0, "repeated": 0, "ignored": 4}
    assert inbox(synced) == []


def test_a_deleted_company_is_unlinked_and_its_customer_kept(synced):
    synced.backfill()
    target = company_id(synced, "Trollfjell Bygg AS")
    synced.hubspot_control("DELETE", f"objects/companies/{target}")
    delivered(synced)

    run(synced)

    assert Counter(c["name"] for c in synced.customers())["Trollfjell Bygg AS"] == 1
    rows = synced.rows(
        "select state from mappings where hubspot_type = 'companies' and hubspot_id = ?", [target]
    )
    assert rows == [{"state": "unlinked"}]


def test_a_deleted_company_is_deactivated_when_the_portal_says_so_and_relinked_on_restore(synced):
    from tests.sync.test_customers import with_settings

    synced.backfill()
    with_settings(synced, {"on_deletion": "deactivate", "confirmed": True})
    target = company_id(synced, "Trollfjell Bygg AS")
    synced.hubspot_control("DELETE", f"objects/companies/{target}")
    delivered(synced)
    run(synced)
    customer = next(c for c in synced.customers() if c["name"] == "Trollfjell Bygg AS")
    assert customer["isInactive"] is True

    synced.hubspot_control("POST", f"objects/companies/{target}/restore", {})
    delivered(synced)
    run(synced)

    rows = synced.rows(
        "select state, tripletex_id from mappings where hubspot_type = 'companies' "
        "and hubspot_id = ?",
        [target],
    )
    assert rows == [{"state": "linked", "tripletex_id": customer["id"]}]
    assert Counter(c["name"] for c in synced.customers())["Trollfjell Bygg AS"] == 1
    restored = next(c for c in synced.customers() if c["name"] == "Trollfjell Bygg AS")
    assert restored["isInactive"] is False  # active again, as it was before the deletion


def test_a_merge_follows_the_surviving_company_and_makes_no_second_customer(synced):
    synced.backfill()
    keep, away = company_id(synced, "Havbris Sjømat AS"), company_id(synced, "Granskog Tre AS")
    customers_before = len(synced.customers())
    kept_customer = synced.companies()[keep]["tripletex_customer_id"]
    merged = synced.hubspot_control(
        "POST", "objects/companies/merge", {"primaryObjectId": keep, "objectIdToMerge": away}
    )
    delivered(synced)

    run(synced)

    assert len(synced.customers()) == customers_before
    survivor = merged["id"]
    rows = synced.rows(
        "select hubspot_id, state, merged_into from mappings where hubspot_type = 'companies' "
        "and hubspot_id in (?, ?, ?) order by hubspot_id",
        [keep, away, survivor],
    )
    linked = [r for r in rows if r["state"] == "linked"]
    assert [r["hubspot_id"] for r in linked] == [survivor]
    company = synced.companies()[survivor]
    assert company["tripletex_sync_status"] == "synced", company["tripletex_sync_error"]
    # The primary company's customer stays; the merged-away one's is left as it was.
    assert company["tripletex_customer_id"] == kept_customer


def test_a_privacy_deletion_erases_the_person_in_tripletex_and_in_our_database(synced):
    synced.backfill()
    person_id, person = next(iter(hubspot_contacts(synced).items()))
    email = person["email"]
    contact = next(c for c in tripletex_contacts(synced) if c["email"] == email)
    synced.hubspot_control("POST", f"objects/contacts/{person_id}/gdpr-delete", {})
    delivered(synced)

    run(synced)

    erased = next(c for c in tripletex_contacts(synced) if c["id"] == contact["id"])
    assert (erased["firstName"], erased["lastName"], erased["email"]) == ("Slettet", "kontakt", "")
    for table, column in (
        ("mappings", "hubspot_id"),
        ("sync_log", "hubspot_id"),
        ("sync_inbox", "object_id"),
    ):
        assert synced.rows(f"select * from {table} where {column} = ?", [person_id]) == []
    database = Path(synced.stack.app.config["DATABASE"])
    for file in (database, database.with_name(database.name + "-wal")):
        if file.exists():
            assert email.encode() not in file.read_bytes()


def test_live_sync_links_a_customer_by_domain_as_the_backfill_would(synced):
    """Tripletex cannot search by domain: live sync reads the whole list when a company needs
    the e-mail rule's domain comparison, so it links what the backfill would have linked."""
    synced.backfill()
    with Collaborators.opened(synced.stack.app.config) as c:
        existing = c.tripletex(synced.portal_id).create(
            "/customer", {"name": "Kystlys Eiendom", "email": "post@kystlys.no"}
        )
    made = synced.hubspot_control(
        "POST",
        "objects/companies",
        {"properties": {"name": "Kystlys Eiendom AS", "domain": "kystlys.no"}},
    )
    delivered(synced)

    run(synced)

    assert synced.companies()[made["id"]]["tripletex_customer_id"] == str(existing["id"])
    assert not [c for c in synced.customers() if c["name"] == "Kystlys Eiendom AS"]


def test_an_edit_then_a_delete_in_one_batch_leaves_the_company_unlinked(synced):
    synced.backfill()
    target = company_id(synced, "Trollfjell Bygg AS")
    synced.hubspot_control(
        "PATCH", f"objects/companies/{target}", {"properties": {"phone": "+47 70 00 00 00"}}
    )
    synced.hubspot_control("DELETE", f"objects/companies/{target}")
    delivered(synced)

    run(synced)

    rows = synced.rows(
        "select state from mappings where hubspot_type = 'companies' and hubspot_id = ?", [target]
    )
    assert rows == [{"state": "unlinked"}]


def test_contacts_waiting_for_their_company_follow_it_once_it_is_fixed(synced):
    from tests.sync.test_customers import with_settings
    from webapp.sandbox import demo_data

    with_settings(synced, {"invalid_org_number": "hold"})
    synced.backfill()
    world = demo_data.build()
    held = next(c for c in world["companies"] if c["org_number_malformed"])
    people = {c["email"] for c in world["contacts"] if c["company"] == held["key"]}
    waiting = [p for p in hubspot_contacts(synced).values() if p["email"] in people]
    assert {p["tripletex_sync_status"] for p in waiting} == {"failed"}
    assert waiting[0]["tripletex_sync_error"].endswith(
        "that company's sync error says what stops it."
    )
    delivered(synced)

    synced.hubspot_control(
        "PATCH",
        f"objects/companies/{company_id(synced, held['name'])}",
        {"properties": {"orgnr": demo_data.make_org_number(__import__("random").Random(7))}},
    )
    delivered(synced)
    run(synced)

    assert {c["email"] for c in tripletex_contacts(synced) if c["email"] in people} == people
    assert {
        p["tripletex_sync_status"]
        for p in hubspot_contacts(synced).values()
        if p["email"] in people
    } == {"synced"}


def test_a_stored_event_keeps_no_property_value(synced):
    """The engine reads records as they are now; an event's value (an e-mail, say) would be
    personal data kept for nothing."""
    person_id, person = next(iter(hubspot_contacts(synced).items()))
    synced.hubspot_control(
        "PATCH", f"objects/contacts/{person_id}", {"properties": {"email": "ny.adresse@example.no"}}
    )
    delivered(synced)

    stored = synced.rows("select event from sync_inbox where object_id = ?", [person_id])
    assert stored and all("ny.adresse@example.no" not in row["event"] for row in stored)
    assert all("propertyValue" not in json.loads(row["event"]) for row in stored)


def test_a_privacy_deletion_also_erases_what_contacts_merged_into_the_person_left(synced):
    synced.backfill()
    people = list(hubspot_contacts(synced).items())
    (keep, kept), (away, gone) = people[0], people[1]
    merged = synced.hubspot_control(
        "POST", "objects/contacts/merge", {"primaryObjectId": keep, "objectIdToMerge": away}
    )
    delivered(synced)
    run(synced)
    survivor = merged["id"]

    synced.hubspot_control("POST", f"objects/contacts/{survivor}/gdpr-delete", {})
    delivered(synced)
    run(synced)

    for hid in (keep, away, survivor):
        assert synced.rows("select * from mappings where hubspot_id = ?", [hid]) == []
        assert synced.rows("select * from sync_log where hubspot_id = ?", [hid]) == []
    for email in (kept["email"], gone["email"]):
        assert not [c for c in tripletex_contacts(synced) if c["email"] == email]


def test_reconciliation_catches_a_change_no_webhook_brought(synced):
    """HubSpot gives up on a webhook after a day of retries; search finds the change."""
    from webapp.sync.runner import run_reconcile

    synced.backfill()
    target = company_id(synced, "Aurora Helse AS")
    synced.hubspot_control(
        "PATCH", f"objects/companies/{target}", {"properties": {"phone": "+47 21 00 00 99"}}
    )
    delivered(synced)
    with Collaborators.opened(synced.stack.app.config) as c:
        c.db.execute("delete from sync_inbox")  # as if the events never came
        c.db.conn.commit()
    # Search sees writes only after its lag (5 s on the sandbox's clock).
    clock = requests.post(
        f"{synced.stack.hubspot_url}/_sandbox/clock", json={"advance": 10}, timeout=10
    )
    assert clock.ok, clock.text

    with Collaborators.opened(synced.stack.app.config) as c:
        summary = run_reconcile(c, synced.portal_id)

    customer = next(c for c in synced.customers() if c["name"] == "Aurora Helse AS")
    assert customer["phoneNumber"] == "+47 21 00 00 99"
    assert summary.counts["updated"] == 1  # the others it found were already in step


def test_a_company_and_its_contact_made_together_reach_tripletex_together(synced):
    synced.backfill()
    company = synced.hubspot_control(
        "POST", "objects/companies", {"properties": {"name": "Samtidig AS", "city": "Oslo"}}
    )
    synced.hubspot_control(
        "POST",
        "objects/contacts",
        {
            "properties": {"firstname": "Sam", "lastname": "Tidig", "email": "sam@samtidig.no"},
            "associations": [
                {
                    "to": {"id": company["id"]},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
                }
            ],
        },
    )
    delivered(synced)

    run(synced)

    customer = next(c for c in synced.customers() if c["name"] == "Samtidig AS")
    contact = next(c for c in tripletex_contacts(synced) if c["email"] == "sam@samtidig.no")
    assert contact["customer"]["id"] == customer["id"]
