"""Burst limits with HubSpot's headers and 429 body; injected 423, 5xx, latency and timeouts."""
import requests

C = "/crm/objects/2026-03/companies"


def test_rate_limit_headers_count_down_and_the_111th_call_gets_hubspots_429(hs, sb, clock):
    first = hs.get(f"{C}?limit=1")
    assert first.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert first.headers["X-HubSpot-RateLimit-Max"] == "110"
    assert first.headers["X-HubSpot-RateLimit-Remaining"] == "109"
    assert "X-HubSpot-RateLimit-Secondly" in first.headers
    for _ in range(109):
        last = hs.get(f"{C}?limit=1")
    assert last.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    limited = hs.get(f"{C}?limit=1")
    body = limited.json()
    assert limited.status_code == 429
    assert body["errorType"] == "RATE_LIMIT" and body["policyName"] == "TEN_SECONDLY_ROLLING"
    clock.advance(10)
    assert hs.get(f"{C}?limit=1").status_code == 200


def test_limit_is_per_portal(base, hs, sb):
    from .conftest import EMPTY, install
    sb.rate_limit.limit = 2
    hs.get(C), hs.get(C)
    assert hs.get(C).status_code == 429
    other = install(base, EMPTY)
    assert requests.get(base + C, headers={"Authorization": f"Bearer {other['access_token']}"}).status_code == 200


def test_injected_status_bursts_then_recovery(hs, base):
    requests.post(f"{base}/_sandbox/faults", json={"status": 429, "count": 2, "retryAfter": 1})
    requests.post(f"{base}/_sandbox/faults", json={"status": 423, "count": 1, "method": "GET"})
    codes = [hs.get(C).status_code for _ in range(4)]
    assert codes == [429, 429, 423, 200]
    requests.post(f"{base}/_sandbox/faults", json={"status": 502, "rate": 1.0, "path": "/deals"})
    assert hs.get("/crm/objects/2026-03/deals").status_code == 502
    assert hs.get(C).status_code == 200
    assert requests.delete(f"{base}/_sandbox/faults").status_code == 204
    assert hs.get("/crm/objects/2026-03/deals").status_code == 200


def test_latency_and_timeout_faults_hold_the_request(hs, base, sb):
    slept = []
    sb.faults.sleep = slept.append
    try:
        requests.post(f"{base}/_sandbox/faults", json={"latency": 0.3, "count": 1})
        requests.post(f"{base}/_sandbox/faults", json={"timeout": True, "seconds": 20, "count": 1})
        assert hs.get(C).status_code == 504
    finally:
        sb.faults.sleep = __import__("time").sleep
    assert slept == [0.3, 20.0]


def test_request_log_counts_calls_per_endpoint(hs, base):
    hs.get(C), hs.get(C), hs.post(f"{C}/search", json={"filterGroups": [], "limit": 1, "after": "0"})
    log = requests.get(f"{base}/_sandbox/requests").json()
    assert log["counts"]["GET /crm/objects/<any(\"2026-03\", \"2026-09\"):version>/<object_type>"] == 2
    assert sum(1 for r in log["requests"] if r["path"].endswith("/search")) == 1
    assert all(r["portalId"] == 4000001 for r in log["requests"] if r["path"].startswith("/crm"))
