"""Search lags behind writes on the sandbox clock, as HubSpot's index does; reads by id do not.

"Search results may exclude newly created and updated HubSpot CRM objects" for a while
after the write (fidelity-findings B3, citing HubSpot's search guide and Okta's connector
notes: 10 s after a create, 60 s after an update); the sandbox's delay is the
`search_lag_seconds` setting, 5 s by default.
"""

import requests

O = "/crm/objects/2026-03/companies"


def by_name(hs, name, prop="name"):
    reply = hs.post(
        f"{O}/search",
        json={
            "filterGroups": [
                {"filters": [{"propertyName": prop, "operator": "EQ", "value": name}]}
            ],
            "properties": ["name", "city"],
        },
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_a_new_record_is_read_at_once_but_found_only_after_the_lag(hs, sb, clock):
    """Search may exclude new records for a while; reads by id do not (fidelity-findings B3)."""
    clock.freeze()
    made = hs.post(O, json={"properties": {"name": "Forsinket AS"}}).json()
    assert hs.get(f"{O}/{made['id']}").status_code == 200  # by id: immediate
    assert by_name(hs, "Forsinket AS")["total"] == 0
    clock.advance(sb.settings["search_lag_seconds"] - 0.5)
    assert by_name(hs, "Forsinket AS")["total"] == 0
    clock.advance(0.5)
    found = by_name(hs, "Forsinket AS")
    assert [r["id"] for r in found["results"]] == [made["id"]]


def test_an_update_is_searched_by_its_old_values_until_the_index_catches_up(hs, sb, clock):
    """Search may exclude updated records for a while (B3; Okta: 60 s after an update)."""
    clock.freeze()
    company = by_name(hs, "Aurora Helse AS")["results"][0]
    hs.patch(f"{O}/{company['id']}", json={"properties": {"city": "Bergen"}})
    assert hs.get(f"{O}/{company['id']}?properties=city").json()["properties"]["city"] == "Bergen"
    stale = by_name(hs, "Oslo", "city")
    assert company["id"] in {r["id"] for r in stale["results"]}
    assert {r["properties"]["city"] for r in stale["results"]} == {"Oslo"}  # as indexed
    assert company["id"] not in {r["id"] for r in by_name(hs, "Bergen", "city")["results"]}
    clock.advance(sb.settings["search_lag_seconds"])
    fresh = by_name(hs, "Bergen", "city")
    assert company["id"] in {r["id"] for r in fresh["results"]}


def test_an_archived_record_still_shows_in_search_until_the_index_catches_up(hs, sb, clock):
    clock.freeze()
    company = by_name(hs, "Aurora Helse AS")["results"][0]
    hs.delete(f"{O}/{company['id']}")
    assert hs.get(f"{O}/{company['id']}").status_code == 404
    ghost = by_name(hs, "Aurora Helse AS")["results"]
    assert [(r["id"], r["archived"]) for r in ghost] == [(company["id"], False)]
    clock.advance(sb.settings["search_lag_seconds"])
    assert by_name(hs, "Aurora Helse AS")["total"] == 0


def test_the_lag_is_a_setting_of_the_control_api(base, hs, clock):
    clock.freeze()
    assert requests.get(f"{base}/_sandbox/settings").json()["searchLagSeconds"] == 5.0
    changed = requests.post(f"{base}/_sandbox/settings", json={"searchLagSeconds": 0})
    assert changed.json()["searchLagSeconds"] == 0
    hs.post(O, json={"properties": {"name": "Straks AS"}})
    assert by_name(hs, "Straks AS")["total"] == 1
    refused = requests.post(f"{base}/_sandbox/settings", json={"searchLagSeconds": -1})
    assert refused.status_code == 400 and refused.json()["message"].startswith("searchLagSeconds: ")
    requests.post(f"{base}/_sandbox/reset", json={"demo": True})
    assert requests.get(f"{base}/_sandbox/settings").json() == {
        "searchLagSeconds": 5.0,
        "mergeCreatesNewId": True,
        "lineItemDiscountPerUnit": True,
        "webhookRetryDelays": [0.02],  # this test session's
        "webhookRetryJitter": 0.25,
        "webhookMaxRetries": 10,
        "webhookTimeout": 5.0,
    }
