"""The product's TripletexClient against the sandbox with injected faults.

What is retried: 429 on anything (Tripletex refused without acting); 5xx, timeouts and lost
answers only on reads and idempotent writes. A POST or an action whose answer was lost is never
sent again: the caller hears "ambiguous" and looks before retrying. A versioned PUT that is sent
again and meets 409 hears "re-read and compare": its first attempt most likely did the write.
"""

import pytest

from webapp.clients.errors import (
    Action,
    RateLimited,
    ReplayConflict,
    ServerError,
    TransportError,
    classify,
)
from webapp.clients.tripletex import TripletexClient

from .conftest import CONSUMER
from .flows import invoiced


@pytest.fixture
def client(api, sleeper):
    company = api.company()

    def make(**options):
        return TripletexClient(
            api.url("/v2"),
            CONSUMER,
            api.token(company),
            clock=sleeper,
            jitter=lambda: 1.0,
            **options,
        )

    make.company = company
    return make


def faults(api, **values):
    api.control("POST", "faults", values)


def calls(api, endpoint: str) -> int:
    return api.counts().get(endpoint, 0)


def names(tx) -> list[str]:
    return [c["name"] for c in tx.list("/customer", fields="name")]


def test_a_429_burst_is_waited_out_and_the_refused_post_sent_again(api, client, sleeper):
    tx = client()
    tx.who_am_i()
    api.control("POST", "settings", {"omit_reset_on_429": False})  # a 429 that says how long
    faults(api, rate_limit_burst=2, path_prefix="/v2/customer")
    assert tx.create("/customer", {"name": "Burst AS"})["name"] == "Burst AS"
    assert calls(api, "POST /v2/customer") == 3 and names(tx) == ["Burst AS"]
    assert sleeper.waits == [2.0, 2.0]  # X-Rate-Limit-Reset of the 429s


def test_a_429_without_a_reset_header_backs_off_exponentially(api, client, sleeper):
    tx = client(max_attempts=4)
    tx.who_am_i()
    api.control("POST", "settings", {"omit_reset_on_429": True})
    faults(api, rate_limit_burst=3, path_prefix="/v2/currency")
    assert tx.get("/currency/1")["code"] == "NOK"
    # Backoff of 0.5, 1 and 2 s; the second 0.5 s tops up the 1 s pause a spent window asks for.
    assert sleeper.waits == [0.5, 0.5, 1.0, 2.0]


def test_a_429_burst_longer_than_the_attempts_raises_rate_limited(api, client):
    tx = client(max_attempts=2)
    api.control("POST", "settings", {"omit_reset_on_429": False})
    faults(api, rate_limit_burst=5, path_prefix="/v2/currency")
    with pytest.raises(RateLimited) as info:
        tx.get("/currency/1")
    assert (info.value.status, info.value.retry_after) == (429, 2.0)
    assert calls(api, "GET /v2/currency/{obj_id}") == 2


def test_5xx_is_retried_on_reads_but_a_create_is_not_replayed(api, client):
    tx = client()
    tx.who_am_i()
    faults(api, server_errors=2)
    assert tx.get("/currency/1")["code"] == "NOK"
    assert calls(api, "GET /v2/currency/{obj_id}") == 3
    faults(api, server_errors=1)
    with pytest.raises(ServerError) as info:
        tx.create("/customer", {"name": "Aldri AS"})
    assert info.value.request_id and calls(api, "POST /v2/customer") == 1
    assert names(tx) == []


def test_a_5xx_rate_is_survived_by_retrying_reads(api, client):
    tx = client(max_attempts=8)
    faults(api, server_error_rate=0.5, seed=3)
    assert [c["code"] for c in tx.list("/currency")][0] == "NOK"
    assert calls(api, "GET /v2/currency") > 1


def test_latency_is_tolerated_and_a_timed_out_read_is_retried(api, client, sleeper):
    tx = client(timeout=0.25)
    tx.who_am_i()
    faults(api, latency_ms=10)
    assert tx.get("/currency/1")["id"] == 1
    assert sleeper.waits == []
    faults(api, latency_ms=0, timeouts=1, timeout_seconds=0.5)
    assert tx.get("/currency/1")["id"] == 1
    assert sleeper.waits == [0.5]  # one backoff, then the second try


def test_a_timed_out_create_is_ambiguous_and_not_replayed(api, client):
    tx = client(timeout=0.25)
    tx.who_am_i()
    faults(api, timeouts=1, timeout_seconds=0.5)
    with pytest.raises(TransportError) as info:
        tx.create("/customer", {"name": "Treg AS"})
    assert info.value.ambiguous is True
    # The stalled call writes nothing, so a replay would be the only way a customer appears.
    assert names(tx) == []


def test_a_lost_answer_to_a_create_is_ambiguous_and_the_write_happened_once(api, client):
    tx = client()
    tx.who_am_i()
    faults(api, lost_responses=1)
    with pytest.raises(TransportError) as info:
        tx.create("/customer", {"name": "Kanskje AS"})
    assert info.value.ambiguous is True
    assert calls(api, "POST /v2/customer") == 1
    assert names(tx) == ["Kanskje AS"]  # look before trying again


def test_a_lost_answer_to_a_payment_is_not_replayed(api, client):
    tx = client()
    made = invoiced(api.login(client.company))
    bank = next(tx.list("/invoice/paymentType"))["id"]
    faults(api, lost_responses=1, path_prefix="/v2/invoice")
    with pytest.raises(TransportError) as info:
        tx.action(
            f"/invoice/{made['id']}/:payment",
            {"paymentDate": "2026-11-25", "paymentTypeId": bank, "paidAmount": 250},
        )
    assert info.value.ambiguous is True
    assert calls(api, "PUT /v2/invoice/{invoice_id}/:payment") == 1
    assert tx.get(f"/invoice/{made['id']}")["amountOutstanding"] == 1000  # paid once


def test_a_lost_answer_to_a_versioned_update_comes_back_as_re_read_and_compare(api, client):
    tx = client()
    customer = tx.create("/customer", {"name": "Versjon AS"})
    faults(api, lost_responses=1)
    # The replay carries the version the first attempt already moved past.
    with pytest.raises(ReplayConflict) as info:
        tx.update(f"/customer/{customer['id']}", {"version": 0, "phoneNumber": "1"})
    assert (info.value.code, info.value.replayed) == (8000, True)
    assert classify(info.value, idempotent=True).action is Action.REREAD
    assert calls(api, "PUT /v2/customer/{obj_id}") == 2
    stored = tx.get(f"/customer/{customer['id']}")
    assert (stored["phoneNumber"], stored["version"]) == ("1", 1)  # written exactly once
