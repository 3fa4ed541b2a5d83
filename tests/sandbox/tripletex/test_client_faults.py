"""The product's TripletexClient against the sandbox with injected faults."""
from datetime import date

import pytest

import requests

from webapp.clients.errors import BadRequest, RateLimited, ServerError, TransportError
from webapp.clients.tripletex import TripletexClient

from .conftest import CONSUMER


@pytest.fixture
def client(api, sleeper):
    company = api.company()

    def make(**options):
        options.setdefault("today", lambda: date(2026, 11, 24))
        return TripletexClient(api.url("/v2"), CONSUMER, api.token(company),
                               sleep=sleeper.sleep, monotonic=sleeper.monotonic,
                               jitter=lambda: 1.0, **options)
    return make


def faults(api, **values):
    response = api.http.post(api.url("/_sandbox/faults"), json=values)
    assert response.status_code == 200, response.text


def customers(api):
    counts = api.http.get(api.url("/_sandbox/requests")).json()["counts"]
    return counts.get("POST /v2/customer", 0)


def test_429_burst_is_waited_out_and_retried(api, client, sleeper):
    tx = client()
    tx.who_am_i()
    faults(api, rate_limit_burst=2, path_prefix="/v2/customer")
    created = tx.create("/customer", {"name": "Burst AS"})
    assert created["name"] == "Burst AS"
    assert customers(api) == 3 and len(sleeper.waits) == 2
    assert all(wait >= 2 for wait in sleeper.waits)     # honours X-Rate-Limit-Reset


def test_429_burst_longer_than_the_attempts_raises_rate_limited(api, client):
    tx = client(max_attempts=2)
    faults(api, rate_limit_burst=5, path_prefix="/v2/currency")
    with pytest.raises(RateLimited) as info:
        tx.get("/currency/1")
    assert info.value.status == 429


def test_5xx_is_retried_on_reads_but_not_on_creates(api, client):
    tx = client()
    tx.who_am_i()
    faults(api, server_errors=2)
    assert tx.get("/currency/1")["code"] == "NOK"
    faults(api, server_errors=1)
    with pytest.raises(ServerError):
        tx.create("/customer", {"name": "Aldri AS"})
    assert not [c for c in tx.list("/customer") if c["name"] == "Aldri AS"]


def test_a_5xx_rate_is_survived_by_retrying_reads(api, client):
    tx = client(max_attempts=8)
    faults(api, server_error_rate=0.5, seed=3)
    assert [c["code"] for c in tx.list("/currency")][0] == "NOK"
    counts = api.http.get(api.url("/_sandbox/requests")).json()["counts"]
    assert counts["GET /v2/currency"] > 1


def test_latency_and_timeouts(api, client):
    tx = client(timeout=0.15)
    tx.who_am_i()
    faults(api, latency_ms=20)
    assert tx.get("/currency/1")["id"] == 1
    faults(api, latency_ms=0, timeouts=1, timeout_seconds=0.4)
    assert tx.get("/currency/1")["id"] == 1          # a read is retried after the timeout
    faults(api, timeouts=1, timeout_seconds=0.4)
    with pytest.raises(TransportError) as info:
        tx.create("/customer", {"name": "Treg AS"})
    assert info.value.ambiguous is True


def test_lost_response_after_commit_is_ambiguous_and_the_write_happened(api, client):
    tx = client()
    tx.who_am_i()
    faults(api, lost_responses=1)
    with pytest.raises(TransportError) as info:
        tx.create("/customer", {"name": "Kanskje AS"})
    assert info.value.ambiguous is True
    assert [c["name"] for c in tx.list("/customer")] == ["Kanskje AS"]


def test_sessions_expire_at_oslo_midnight_and_a_revoked_one_is_renewed(api, client):
    today = [date(2026, 11, 24)]
    tx = client(today=lambda: today[0])
    tx.who_am_i()
    first = tx.sessions.load().token
    requests.delete(api.url(f"/v2/token/session/{first}"), auth=("0", first))
    assert tx.who_am_i()["companyId"]                  # 401, new session, same call again
    assert tx.sessions.load().token != first
    api.state.clock.advance(2 * 86400)                  # 26 Nov in Oslo: the session is dead
    today[0] = date(2026, 11, 26)
    assert tx.who_am_i()["companyId"]
    assert tx.sessions.load().expiration_date == "2026-11-28"
    stale = client()                                    # a client whose calendar lags
    with pytest.raises(BadRequest) as info:
        stale.who_am_i()
    assert info.value.fields() == {"arg:expirationDate"}
