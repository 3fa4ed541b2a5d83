"""Burst limits with HubSpot's headers and 429 body; injected 423, 477, 5xx, latency, timeouts."""

import uuid

import requests

from .conftest import EMPTY, bearer, install

C = "/crm/objects/2026-03/companies"


def _fault(base, **rule):
    assert requests.post(f"{base}/_sandbox/faults", json=rule).status_code == 201


def test_rate_limit_headers_count_down_and_the_111th_call_gets_hubspots_429(hs, clock):
    clock.freeze()
    first = hs.get(f"{C}?limit=1")
    assert first.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert first.headers["X-HubSpot-RateLimit-Max"] == "110"
    assert first.headers["X-HubSpot-RateLimit-Remaining"] == "109"
    assert "X-HubSpot-RateLimit-Secondly" in first.headers
    assert "X-HubSpot-RateLimit-Daily" not in first.headers  # none for OAuth apps
    for _ in range(109):
        last = hs.get(f"{C}?limit=1")
    assert last.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    limited = hs.get(f"{C}?limit=1")
    body = limited.json()
    assert limited.status_code == 429
    assert body["status"] == "error" and body["errorType"] == "RATE_LIMIT"
    assert (
        body["policyName"] == "TEN_SECONDLY_ROLLING" and "ten_secondly_rolling" in body["message"]
    )
    assert uuid.UUID(body["correlationId"]) and uuid.UUID(body["requestId"])
    clock.advance(10)
    assert hs.get(f"{C}?limit=1").status_code == 200


def test_the_limit_is_per_portal(base, hs):
    requests.post(f"{base}/_sandbox/limits", json={"rateLimitMax": 2})
    hs.get(C), hs.get(C)
    assert hs.get(C).status_code == 429
    other = install(base, EMPTY)
    assert requests.get(base + C, headers=bearer(other)).status_code == 200


def test_injected_status_bursts_then_recovery(hs, base):
    _fault(base, status=429, count=2, retryAfter=1)
    _fault(base, status=423, count=1, method="GET")
    replies = [hs.get(C) for _ in range(4)]
    assert [r.status_code for r in replies] == [429, 429, 423, 200]
    assert replies[0].headers["Retry-After"] == "1" and replies[0].json()["policyName"]
    assert replies[2].json()["category"] == "LOCKED"
    _fault(base, status=477, count=1, retryAfter=30)
    migrating = hs.get(C)
    assert migrating.status_code == 477 and migrating.headers["Retry-After"] == "30"
    _fault(base, status=502, rate=1.0, path="/deals")
    assert hs.get("/crm/objects/2026-03/deals").status_code == 502
    assert hs.get(C).status_code == 200
    assert requests.get(f"{base}/_sandbox/faults").json()["results"][0]["status"] == 502
    assert requests.delete(f"{base}/_sandbox/faults").status_code == 204
    assert hs.get("/crm/objects/2026-03/deals").status_code == 200


def test_a_5xx_rate_fails_about_that_share_of_calls_and_repeats_exactly(hs, base, sb):
    def run():
        requests.delete(f"{base}/_sandbox/faults")  # also restarts the random sequence
        _fault(base, status=503, rate=0.3)
        return [hs.get(f"{C}?limit=1").status_code for _ in range(40)]

    first = run()
    assert set(first) == {200, 503} and 4 <= first.count(503) <= 20
    assert run() == first


def test_latency_and_timeout_faults_hold_the_request(hs, base, sb):
    slept = []
    sb.faults.sleep = slept.append  # record the hold instead of waiting it out
    _fault(base, latency=0.3, count=1)
    _fault(base, timeout=True, seconds=20, count=1)
    timed_out = hs.get(C)
    assert timed_out.status_code == 504 and timed_out.json()["category"] == "GATEWAY_TIMEOUT"
    assert slept == [0.3, 20.0]
    assert hs.get(C).status_code == 200 and slept == [0.3, 20.0]


def test_a_fault_needs_something_to_do(base):
    assert requests.post(f"{base}/_sandbox/faults", json={"count": 1}).status_code == 400
