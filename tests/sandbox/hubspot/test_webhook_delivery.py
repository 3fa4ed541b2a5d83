"""How webhooks are delivered: concurrency, event ids, randomised retries, association fields.

Sources: the webhooks guide (MIR webhooks page, January 2025 copy): "HubSpot sets a
concurrency limit of 10 requests ... the maximum number of in-flight requests",
maxConcurrentRequests "must be a number greater than five", eventId "is not guaranteed to be
unique", "HubSpot does not guarantee that you'll receive these notifications in the order
they occurred", retries "up to 10 times ... spread out over the next 24 hours, with varying
delays ... some randomization applied", a timeout of five seconds; the generic subscriptions
changelog (https://developers.hubspot.com/changelog/public-beta-generic-webhook-subscriptions)
for fromObjectTypeId, toObjectTypeId, associationTypeId and associationCategory on both sides.
"""

import requests

from .conftest import DEMO

UI = f"/_sandbox/portals/{DEMO}/objects"
O = "/crm/objects/2026-03"


def _config(receiver, **settings):
    return {
        "config": {
            "settings": {"targetUrl": f"{receiver.url}/hubspot/webhooks", **settings},
            "subscriptions": {
                "crmObjects": [
                    {
                        "subscriptionType": "object.propertyChange",
                        "objectType": "contact",
                        "propertyName": name,
                    }
                    for name in (
                        "firstname",
                        "lastname",
                        "phone",
                        "jobtitle",
                        "city",
                        "zip",
                        "address",
                        "company",
                    )
                ]
            },
        }
    }


def test_at_most_max_concurrent_requests_are_in_flight_per_portal(base, token, sb, receiver):
    """ "the maximum number of in-flight requests that HubSpot will attempt at a time"."""
    status = requests.put(
        f"{base}/_sandbox/webhooks/config", json=_config(receiver, maxConcurrentRequests=6)
    ).json()
    assert status["maxConcurrentRequests"] == 6
    sb.settings["webhook_max_batch"] = 1  # one event per request, so there are eight requests
    receiver.release.clear()  # hold every answer
    props = {
        n: "x"
        for n in ("firstname", "lastname", "phone", "jobtitle", "city", "zip", "address", "company")
    }
    requests.post(f"{base}{UI}/contacts", json={"properties": props})
    assert receiver.wait_for(lambda r: len(r.calls) == 6)
    assert not receiver.wait_for(lambda r: len(r.calls) > 6, timeout=0.3)
    assert requests.get(f"{base}/_sandbox/webhooks").json()["inFlight"] == 6
    receiver.release.set()
    assert sb.webhooks.wait_idle(5) and len(receiver.calls) == 8


def test_max_concurrent_requests_defaults_to_ten_and_must_be_over_five(base, receiver):
    assert (
        requests.put(f"{base}/_sandbox/webhooks/config", json=_config(receiver)).json()[
            "maxConcurrentRequests"
        ]
        == 10
    )
    refused = requests.put(
        f"{base}/_sandbox/webhooks/config", json=_config(receiver, maxConcurrentRequests=5)
    )
    assert refused.status_code == 400 and "maxConcurrentRequests" in refused.json()["message"]


def test_event_ids_are_not_unique_one_write_is_one_event(base, token, sb, receiver):
    """eventId "is not guaranteed to be unique" (webhooks guide)."""
    requests.post(
        f"{base}{UI}/contacts", json={"properties": {"firstname": "Eva", "lastname": "Id"}}
    )
    assert sb.webhooks.wait_idle(5)
    events = receiver.events()
    assert len(events) == 3 and len({e["eventId"] for e in events}) == 1
    assert len({(e["subscriptionId"], e.get("propertyName")) for e in events}) == 3


def test_retries_wait_randomised_delays_on_the_sandbox_clock(base, token, sb, receiver, clock):
    """Retries come "with varying delays ... some randomization applied" (webhooks guide)."""
    sb.settings.update(webhook_retry_delays=[1000], webhook_retry_jitter=0.5)
    receiver.replies = [503, 503, 503]
    requests.post(f"{base}{UI}/contacts", json={"properties": {"firstname": "Ulla"}})
    waits = []
    for seen in (1, 2, 3):
        assert sb.webhooks.wait_for(lambda e: len(e.deliveries) == seen)
        assert sb.webhooks.wait_for(lambda e: e.status()["retriesPending"])
        due = requests.get(f"{base}/_sandbox/webhooks").json()["retriesPending"][0]["dueAt"]
        waits.append(due - clock.now())
        clock.advance(due - clock.now() + 1)
    assert sb.webhooks.wait_for(lambda e: len(e.deliveries) == 4)
    assert all(490 <= w <= 1500 for w in waits) and len({round(w) for w in waits}) == 3
    assert [d["status"] for d in sb.webhooks.deliveries] == [503, 503, 503, 204]


def test_generic_association_events_carry_both_type_ids_and_fire_for_both_sides(hs, sb, receiver):
    """Generic association events add the type ids and category, both sides (changelog)."""
    deal = hs.get(f"{O}/deals?limit=1").json()["results"][0]["id"]
    contact = hs.post(f"{O}/contacts", json={"properties": {"email": "ny@lenke.no"}}).json()["id"]
    assert sb.webhooks.wait_idle(5)
    receiver.calls.clear()
    hs.put(f"{O}/deals/{deal}/associations/default/contacts/{contact}")
    assert sb.webhooks.wait_idle(5)
    events = [e for e in receiver.events() if e["subscriptionType"] == "object.associationChange"]
    fields = {
        (
            e["objectId"],
            e["fromObjectId"],
            e["toObjectId"],
            e["fromObjectTypeId"],
            e["toObjectTypeId"],
            e["associationTypeId"],
            e["associationCategory"],
        )
        for e in events
    }
    d, c = int(deal), int(contact)
    assert fields == {
        (d, d, c, "0-3", "0-1", 3, "HUBSPOT_DEFINED"),
        (c, c, d, "0-1", "0-3", 4, "HUBSPOT_DEFINED"),
    }
