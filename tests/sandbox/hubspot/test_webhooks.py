"""Webhook deliveries: signed arrays of events, change sources, batching, retries, disorder."""
import json

import requests

from webapp.sandbox.hubspot.signing import signature_v1, signature_v3

from .conftest import CLIENT_SECRET, DEMO

UI = f"/_sandbox/portals/{DEMO}/objects"


def test_user_change_in_crm_ui_is_delivered_signed_with_v3_and_v1(base, token, receiver):
    company = requests.post(f"{base}{UI}/companies", json={"properties": {"name": "Ny AS"},
                                                           "userId": 7000002}).json()
    assert receiver.wait_for(lambda r: {e["subscriptionType"] for e in r.events()} >=
                             {"object.creation", "object.propertyChange"})
    call = receiver.calls[0]
    headers, body = call["headers"], call["body"]
    assert headers["X-Hubspot-Signature-V3"] == signature_v3(
        CLIENT_SECRET, "POST", call["url"], body, headers["X-Hubspot-Request-Timestamp"])
    assert headers["X-Hubspot-Signature"] == signature_v1(CLIENT_SECRET, body)
    assert headers["X-Hubspot-Signature-Version"] == "v1"
    created = next(e for e in receiver.events() if e["subscriptionType"] == "object.creation")
    assert created["objectId"] == int(company["id"]) and created["objectTypeId"] == "0-2"
    assert created["portalId"] == DEMO and created["appId"] == 1000001
    assert created["changeSource"] == "CRM_UI" and created["sourceId"] == "userId:7000002"
    assert created["attemptNumber"] == 0 and isinstance(created["occurredAt"], int)
    for key in ("eventId", "subscriptionId"):
        assert key in created
    change = next(e for e in receiver.events() if e["subscriptionType"] == "object.propertyChange")
    assert (change["propertyName"], change["propertyValue"]) == ("name", "Ny AS")


def test_app_changes_are_marked_integration_with_the_app_id(hs, receiver):
    deal = hs.get("/crm/objects/2026-03/deals?limit=1").json()["results"][0]["id"]
    hs.patch(f"/crm/objects/2026-03/deals/{deal}", json={"properties": {"dealstage": "closedwon"}})
    assert receiver.wait_for(lambda r: r.events())
    event = receiver.events()[0]
    assert (event["changeSource"], event["sourceId"]) == ("INTEGRATION", "1000001")
    assert (event["propertyName"], event["propertyValue"], event["objectTypeId"]) == \
        ("dealstage", "closedwon", "0-3")


def test_unsubscribed_properties_and_uninstalled_portals_send_nothing(base, hs, sb, receiver):
    deal = hs.get("/crm/objects/2026-03/deals?limit=1").json()["results"][0]["id"]
    hs.patch(f"/crm/objects/2026-03/deals/{deal}", json={"properties": {"description": "x"}})
    requests.post(f"{base}{UI.replace(str(DEMO), '4000002')}/companies", json={"properties": {"name": "x"}})
    assert sb.webhooks.wait_idle(2) and receiver.calls == []


def test_many_changes_are_batched_at_most_100_per_request(hs, sb, receiver):
    inputs = [{"properties": {"name": f"P{i}"}, "associations": []} for i in range(100)]
    hs.post("/crm/objects/2026-03/products/batch/create", json={"inputs": inputs})
    hs.post("/crm/objects/2026-03/products/batch/create", json={"inputs": inputs[:30]})
    assert sb.webhooks.wait_idle(5)
    sizes = [len(call["events"]) for call in receiver.calls]
    assert sum(sizes) == 260 and max(sizes) == 100 and len(sizes) >= 3


def test_failed_deliveries_are_retried_with_growing_attempt_numbers(base, token, sb, receiver):
    receiver.fail_next = 2
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "Per"}})
    assert sb.webhooks.wait_idle(5)
    attempts = [call["events"][0]["attemptNumber"] for call in receiver.calls]
    assert attempts == [0, 1, 2]
    statuses = [d["status"] for d in sb.webhooks.deliveries]
    assert statuses == [503, 503, 204]


def test_retries_stop_after_ten_attempts(base, token, sb, receiver):
    receiver.fail_next = 50
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "Per"}})
    assert sb.webhooks.wait_idle(5)
    assert len(receiver.calls) == 10 and receiver.calls[-1]["events"][0]["attemptNumber"] == 9


def test_control_api_can_duplicate_and_reorder_deliveries(base, token, sb, receiver):
    assert requests.post(f"{base}/_sandbox/webhooks", json={"duplicate": True, "reorder": True}).ok
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "A", "lastname": "B"}})
    assert sb.webhooks.wait_idle(5)
    assert len(receiver.calls) == 2 and receiver.calls[0]["body"] == receiver.calls[1]["body"]
    events = json.loads(receiver.calls[0]["body"])
    assert events[0]["eventId"] > events[-1]["eventId"]      # newest first: out of order


def test_deletion_by_a_user_fires_object_deletion(base, token, sb, receiver):
    company = requests.get(f"{base}{UI}/companies").json()["results"][0]["id"]
    assert requests.delete(f"{base}{UI}/companies/{company}").status_code == 204
    assert receiver.wait_for(lambda r: r.events())
    event = receiver.events()[0]
    assert event["subscriptionType"] == "object.deletion" and event["objectId"] == int(company)
