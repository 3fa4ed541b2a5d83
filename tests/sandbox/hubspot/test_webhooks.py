"""Webhook deliveries: signed arrays of events, change sources, batching, retries, disorder."""

import json

import requests

from webapp.clients.hubspot_signature import verify_v3
from webapp.sandbox.hubspot import create_app
from webapp.sandbox.hubspot.settings import DEFAULTS
from webapp.sandbox.hubspot.signing import signature_v1

from .conftest import CLIENT_SECRET, DEMO

UI = f"/_sandbox/portals/{DEMO}/objects"
O = "/crm/objects/2026-03"


def _of(receiver, kind):
    return [e for e in receiver.events() if e["subscriptionType"] == kind]


def test_user_change_in_crm_ui_is_delivered_signed_with_v3_and_v1(base, token, receiver, clock):
    company = requests.post(
        f"{base}{UI}/companies", json={"properties": {"name": "Ny AS"}, "userId": 7000002}
    ).json()
    assert receiver.wait_for(
        lambda r: (
            {e["subscriptionType"] for e in r.events()}
            >= {"object.creation", "object.propertyChange"}
        )
    )
    call = receiver.calls[0]
    headers, body = call["headers"], call["body"]
    # The product's own checker accepts it, over the URL exactly as the app received it.
    verify_v3(
        CLIENT_SECRET,
        "POST",
        call["url"],
        body.encode(),
        headers["X-Hubspot-Request-Timestamp"],
        headers["X-Hubspot-Signature-V3"],
        now_ms=int(clock.now() * 1000),
    )
    assert headers["X-Hubspot-Signature"] == signature_v1(CLIENT_SECRET, body)
    assert headers["X-Hubspot-Signature-Version"] == "v1"
    assert isinstance(json.loads(body), list)
    created = _of(receiver, "object.creation")[0]
    assert created["objectId"] == int(company["id"]) and created["objectTypeId"] == "0-2"
    assert created["portalId"] == DEMO and created["appId"] == 1000001
    assert created["changeSource"] == "CRM_UI" and created["sourceId"] == "userId:7000002"
    assert created["attemptNumber"] == 0 and isinstance(created["occurredAt"], int)
    assert created["changeFlag"] == "NEW" and {"eventId", "subscriptionId"} <= set(created)
    change = _of(receiver, "object.propertyChange")[0]
    assert (change["propertyName"], change["propertyValue"]) == ("name", "Ny AS")
    assert change["isSensitive"] is False


def test_app_changes_are_marked_integration_with_the_app_id(hs, receiver):
    deal = hs.get(f"{O}/deals?limit=1").json()["results"][0]["id"]
    hs.patch(f"{O}/deals/{deal}", json={"properties": {"dealstage": "closedwon"}})
    assert receiver.wait_for(lambda r: r.events())
    event = receiver.events()[0]
    assert (event["changeSource"], event["sourceId"]) == ("INTEGRATION", "1000001")
    assert (event["propertyName"], event["propertyValue"], event["objectTypeId"]) == (
        "dealstage",
        "closedwon",
        "0-3",
    )


def test_unsubscribed_properties_and_uninstalled_portals_send_nothing(base, hs, sb, receiver):
    deal = hs.get(f"{O}/deals?limit=1").json()["results"][0]["id"]
    hs.patch(f"{O}/deals/{deal}", json={"properties": {"description": "x"}})
    requests.post(
        f"{base}{UI.replace(str(DEMO), '4000002')}/companies", json={"properties": {"name": "x"}}
    )
    assert sb.webhooks.wait_idle(2) and receiver.calls == []


def test_many_changes_are_batched_at_most_100_per_request(hs, sb, receiver):
    inputs = [{"properties": {"name": f"P{i}"}, "associations": []} for i in range(100)]
    hs.post(f"{O}/products/batch/create", json={"inputs": inputs})
    hs.post(f"{O}/products/batch/create", json={"inputs": inputs[:30]})
    assert sb.webhooks.wait_idle(5)
    sizes = [len(call["events"]) for call in receiver.calls]
    assert sum(sizes) == 260 and max(sizes) == 100 and len(sizes) >= 3


def test_failures_are_retried_after_their_delay_on_the_sandbox_clock(
    base, token, sb, receiver, clock
):
    sb.settings.update(webhook_retry_delays=[60, 120], webhook_retry_jitter=0)
    receiver.replies = [503, 400]  # any 4xx or 5xx is retried
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "Per"}})
    for delay, seen in ((60, 1), (120, 2)):
        assert sb.webhooks.wait_for(lambda e: len(e.deliveries) == seen)
        pending = requests.get(f"{base}/_sandbox/webhooks").json()["retriesPending"]
        assert [p["attemptNumber"] for p in pending] == [seen]
        assert delay - 1 <= pending[0]["dueAt"] - clock.now() <= delay
        assert len(receiver.calls) == seen  # nothing more until the clock moves
        clock.advance(delay)
    assert sb.webhooks.wait_for(lambda e: len(e.deliveries) == 3)
    assert [d["status"] for d in sb.webhooks.deliveries] == [503, 400, 204]
    assert [call["events"][0]["attemptNumber"] for call in receiver.calls] == [0, 1, 2]
    assert requests.get(f"{base}/_sandbox/webhooks").json()["retriesPending"] == []


def test_deliveries_give_the_app_hubspots_five_seconds_to_answer(
    base, token, sb, receiver, monkeypatch
):
    waits = []
    send = requests.Session.send  # spec_guard's, which keeps checking answers

    def timed(session, prepared, **kwargs):
        if prepared.url == f"{receiver.url}/hubspot/webhooks":
            waits.append(kwargs.get("timeout"))
        return send(session, prepared, **kwargs)

    monkeypatch.setattr(requests.Session, "send", timed)

    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "Fem"}})

    assert sb.webhooks.wait_idle(5) and sb.webhooks.deliveries
    assert waits == [5.0] * len(sb.webhooks.deliveries)  # each one: a slower answer fails


def test_a_receiver_slower_than_the_timeout_is_a_failure_and_is_retried(
    base, token, sb, receiver, clock
):
    sb.settings.update(webhook_timeout=0.2, webhook_retry_delays=[60])
    receiver.release.clear()  # hold the answer past the sandbox's timeout
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "Sen"}})
    assert sb.webhooks.wait_for(lambda e: len(e.deliveries) == 1)
    assert sb.webhooks.deliveries[0]["error"] == "ReadTimeout"
    receiver.release.set()
    # The retry must not lose a race on a busy machine: it gets the usual time.
    sb.settings["webhook_timeout"] = DEFAULTS["webhook_timeout"]
    clock.advance(60)
    assert sb.webhooks.wait_for(lambda e: len(e.deliveries) == 2)
    assert sb.webhooks.deliveries[1]["status"] == 204
    assert receiver.calls[1]["events"][0]["attemptNumber"] == 1


def test_retries_stop_after_ten(base, token, sb, receiver):
    receiver.replies = [503] * 50
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "Per"}})
    assert sb.webhooks.wait_idle(5)
    assert len(receiver.calls) == 11  # the first try and ten retries
    assert receiver.calls[-1]["events"][0]["attemptNumber"] == 10


def test_control_api_can_duplicate_and_reorder_deliveries(base, token, sb, receiver):
    assert requests.post(f"{base}/_sandbox/webhooks", json={"duplicate": True, "reorder": True}).ok
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "A", "lastname": "B"}})
    assert sb.webhooks.wait_idle(5)
    assert len(receiver.calls) == 2 and receiver.calls[0]["body"] == receiver.calls[1]["body"]
    events = json.loads(receiver.calls[0]["body"])
    # newest first: out of order, the creation after its properties
    assert [e["subscriptionType"] for e in events][-1] == "object.creation"
    assert events[0]["occurredAt"] >= events[-1]["occurredAt"]


def test_deletion_by_a_user_fires_object_deletion(base, token, sb, receiver):
    company = requests.get(f"{base}{UI}/companies").json()["results"][0]["id"]
    assert requests.delete(f"{base}{UI}/companies/{company}").status_code == 204
    assert receiver.wait_for(lambda r: r.events())
    event = receiver.events()[0]
    assert event["subscriptionType"] == "object.deletion" and event["objectId"] == int(company)


def test_an_association_fires_one_event_per_side_and_primary_brings_the_unlabelled(
    hs, sb, receiver
):
    deal = hs.get(f"{O}/deals?limit=1").json()["results"][0]["id"]
    company = hs.post(f"{O}/companies", json={"properties": {"name": "Lenke AS"}}).json()["id"]
    hs.put(
        f"{O}/deals/{deal}/associations/companies/{company}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}],
    )
    assert sb.webhooks.wait_idle(5)
    added = {
        (
            e["objectTypeId"],
            e["objectId"],
            e["associationType"],
            e["toObjectId"],
            e["isPrimaryAssociation"],
            e["associationRemoved"],
        )
        for e in _of(receiver, "object.associationChange")
    }
    d, c = int(deal), int(company)
    assert added == {
        ("0-3", d, "DEAL_TO_COMPANY", c, True, False),
        ("0-3", d, "DEAL_TO_COMPANY", c, False, False),
        ("0-2", c, "COMPANY_TO_DEAL", d, True, False),
        ("0-2", c, "COMPANY_TO_DEAL", d, False, False),
    }
    receiver.calls.clear()
    hs.delete(f"{O}/deals/{deal}/associations/companies/{company}")
    assert sb.webhooks.wait_idle(5)
    removed = _of(receiver, "object.associationChange")
    assert len(removed) == 4 and all(e["associationRemoved"] for e in removed)
    assert {e["changeSource"] for e in removed} == {"INTEGRATION"}


def test_a_user_linking_records_in_the_ui_fires_association_change_from_crm_ui(
    base, token, sb, receiver
):
    contact = requests.get(f"{base}{UI}/contacts").json()["results"][0]["id"]
    deal = requests.get(f"{base}{UI}/deals").json()["results"][-1]["id"]
    reply = requests.put(
        f"{base}{UI}/contacts/{contact}/associations/deals/{deal}", json={"userId": 7000002}
    )
    assert reply.status_code == 204
    assert receiver.wait_for(lambda r: len(_of(r, "object.associationChange")) == 2)
    events = _of(receiver, "object.associationChange")
    assert {e["associationType"] for e in events} == {"CONTACT_TO_DEAL", "DEAL_TO_CONTACT"}
    assert {(e["changeSource"], e["sourceId"]) for e in events} == {("CRM_UI", "userId:7000002")}


def test_subscriptions_come_from_a_webhooks_hsmeta_document(base, token, sb, receiver):
    document = {
        "uid": "webhooks",
        "type": "webhooks",
        "config": {
            "settings": {
                "targetUrl": f"{receiver.url}/hubspot/webhooks",
                "maxConcurrentRequests": 10,
            },
            "subscriptions": {
                "crmObjects": [
                    {"subscriptionType": "object.creation", "objectType": "deal", "active": True},
                    {
                        "subscriptionType": "object.propertyChange",
                        "objectType": "deal",
                        "propertyName": "dealname",
                        "active": False,
                    },
                ],
                "legacyCrmObjects": [
                    {
                        "subscriptionType": "contact.propertyChange",
                        "propertyName": "lastname",
                        "active": True,
                    }
                ],
            },
        },
    }
    status = requests.put(f"{base}/_sandbox/webhooks/config", json=document).json()
    assert [s["subscriptionType"] for s in status["subscriptions"]] == [
        "object.creation",
        "contact.propertyChange",
    ]
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "K", "lastname": "L"}})
    requests.post(f"{base}{UI}/deals", json={"properties": {"dealname": "Ny"}})
    assert sb.webhooks.wait_idle(5)
    events = {e["subscriptionType"]: e for e in receiver.events()}
    assert set(events) == {"contact.propertyChange", "object.creation"}
    assert events["contact.propertyChange"]["propertyValue"] == "L"
    assert "objectTypeId" not in events["contact.propertyChange"]  # legacy events lack it
    assert events["object.creation"]["objectTypeId"] == "0-3"
    wildcard = {
        "config": {
            "settings": {"targetUrl": "https://x.test"},
            "subscriptions": {
                "crmObjects": [{"subscriptionType": "object.propertyChange", "objectType": "deal"}]
            },
        }
    }
    assert requests.put(f"{base}/_sandbox/webhooks/config", json=wildcard).status_code == 400


def test_the_sandbox_can_start_with_a_projects_webhooks_file(tmp_path):
    path = tmp_path / "webhooks-hsmeta.json"
    path.write_text(
        json.dumps(
            {
                "uid": "webhooks",
                "type": "webhooks",
                "config": {
                    "settings": {"targetUrl": "https://sync.example.com/hubspot/webhooks"},
                    "subscriptions": {
                        "crmObjects": [
                            {
                                "subscriptionType": "object.creation",
                                "objectType": "company",
                                "active": True,
                            }
                        ]
                    },
                },
            }
        )
    )
    app = create_app(
        {"webhooks_file": str(path), "webhook_target_url": "http://127.0.0.1:5000/hubspot/webhooks"}
    )
    status = app.test_client().get("/_sandbox/webhooks").get_json()
    assert [(s["subscriptionType"], s["objectType"]) for s in status["subscriptions"]] == [
        ("object.creation", "company")
    ]
    assert status["targetUrl"] == "http://127.0.0.1:5000/hubspot/webhooks"  # the local app


def test_flush_waits_for_deliveries_which_the_control_api_lists(base, token, receiver):
    receiver.replies = [500]
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "Flush"}})
    assert requests.post(f"{base}/_sandbox/webhooks/flush", json={"timeout": 5}).json() == {
        "idle": True
    }
    deliveries = requests.get(f"{base}/_sandbox/webhooks/deliveries").json()["results"]
    assert [(d["attempt"], d["status"]) for d in deliveries] == [(0, 500), (1, 204)]
    assert deliveries[1]["url"] == f"{receiver.url}/hubspot/webhooks"
    assert {e["subscriptionType"] for e in deliveries[1]["events"]} == {
        "object.creation",
        "object.propertyChange",
    }
