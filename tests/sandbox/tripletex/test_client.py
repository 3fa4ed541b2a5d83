"""The product's TripletexClient against the sandbox: sessions, pacing, paging, typed errors."""

from datetime import date

import pytest
import requests

from tests.conftest import FakeClock
from webapp.clients.errors import (
    Action,
    BadRequest,
    BatchInterrupted,
    Conflict,
    Forbidden,
    classify,
)
from webapp.clients.tripletex import TripletexClient
from webapp.portal.connection_check import check_company

from .conftest import CONSUMER

TODAY = date(2026, 11, 24)


class SandboxClock(FakeClock):
    """Waits by moving the sandbox's clock too, so pacing meets the real rate limiter."""

    def __init__(self, api):
        super().__init__()
        self.api = api

    def sleep(self, seconds):
        super().sleep(seconds)
        self.api.state.clock.advance(seconds)


def _client(api, token, **options) -> TripletexClient:
    options.setdefault("clock", FakeClock())
    return TripletexClient(api.url("/v2"), CONSUMER, token, **options)


def test_sessions_expire_at_oslo_midnight_and_a_revoked_one_is_renewed(api):
    clock = FakeClock()
    token = api.token(api.company())
    tx = _client(api, token, clock=clock)
    tx.who_am_i()
    first = tx.sessions.load().token
    requests.delete(api.url(f"/v2/token/session/{first}"), auth=("0", first))
    assert tx.who_am_i()["companyId"]  # 401, new session, same call again
    assert tx.sessions.load().token != first
    assert api.counts()["GET /v2/token/session/>whoAmI"] == 3
    api.advance(2 * 86400)  # 26 Nov in Oslo: the session is dead
    clock.elapsed += 2 * 86400
    assert tx.who_am_i()["companyId"]
    assert tx.sessions.load().expiration_date == "2026-11-28"
    lagging = _client(api, token)  # a client whose calendar lags
    with pytest.raises(BadRequest) as info:
        lagging.who_am_i()
    assert info.value.fields() == {"arg:expirationDate"}


def test_pacing_on_the_rate_limit_headers_never_meets_a_429(make_sandbox):
    api = make_sandbox(rate_limit=5, rate_window=10)
    sleeper = SandboxClock(api)
    tx = _client(api, api.token(api.company()), clock=sleeper, jitter=lambda: 1.0)
    for _ in range(12):
        assert tx.get("/currency/1")["code"] == "NOK"
    statuses = [e["status"] for e in api.control("GET", "requests")["requests"]]
    assert len(statuses) == 13 and 429 not in statuses
    assert sleeper.waits == [10.0, 10.0]  # waited out the window twice


def test_listing_stops_on_a_short_page_whatever_full_result_size_says(api):
    tx = _client(api, api.token(api.company()))
    tx.create_many("/customer", [{"name": f"Kunde {n}"} for n in range(9)])
    assert len(list(tx.list("/customer", page_size=3, fields="id"))) == 9
    assert len(list(tx.list("/customer", page_size=4, fields="id"))) == 9
    # 3+3+3 needs a fourth, empty page to know it ended; 4+4+1 ends on the short page.
    assert api.counts()["GET /v2/customer"] == 4 + 3


def test_reading_products_by_id_asks_with_ids(api):
    tx = _client(api, api.token(api.company()))
    made = tx.create_many("/product", [{"name": f"Vare {n}", "number": f"V{n}"} for n in range(4)])
    wanted = [made[1]["id"], made[3]["id"]]
    assert [p["number"] for p in tx.get_many("/product", wanted)] == ["V1", "V3"]
    assert api.control("GET", "requests")["requests"][-1]["path"] == "/v2/product"


def test_errors_arrive_typed_with_fields_code_and_request_id(api):
    tx = _client(api, api.token(api.company()))
    with pytest.raises(BadRequest) as info:
        tx.create("/customer", {"email": "x@y.no"})
    assert (info.value.status, info.value.code, info.value.fields()) == (422, 18000, {"name"})
    assert info.value.request_id == api.control("GET", "requests")["requests"][-1]["requestId"]
    customer = tx.create("/customer", {"name": "Versjon AS"})
    tx.update(f"/customer/{customer['id']}", {"version": 0, "description": "en"})
    with pytest.raises(Conflict) as stale:
        tx.update(f"/customer/{customer['id']}", {"version": 0, "description": "to"})
    assert stale.value.code == 8000


def test_a_token_without_entitlements_is_explained_not_crashed_on(api):
    company = api.company()
    tx = _client(api, api.token(company, "no-entitlements"))
    with pytest.raises(Forbidden) as info:
        list(tx.list("/customer"))
    assert (info.value.status, info.value.code) == (403, 9000)
    items = {item.key: item for item in check_company(tx, TODAY)}
    assert not items["endpoint:/customer"].ok
    assert items["endpoint:/customer"].problem.kind == "missing_entitlements"
    working = check_company(_client(api, api.token(company)), TODAY)
    assert all(item.ok for item in working)


def _logged(api, endpoint: str) -> list[dict]:
    return [e for e in api.control("GET", "requests")["requests"] if e["endpoint"] == endpoint]


def test_writes_carry_the_request_id_tripletex_logged_for_them(api):
    tx = _client(api, api.token(api.company()))
    customer = tx.create("/customer", {"name": "Spor AS"})
    updated = tx.update(f"/customer/{customer['id']}", {"version": 0, "description": "en"})
    made = tx.create_many("/customer", [{"name": "En"}, {"name": "To"}])
    assert customer.request_id and updated.request_id
    assert customer.request_id == _logged(api, "POST /v2/customer")[0]["requestId"]
    assert updated.request_id == _logged(api, "PUT /v2/customer/{obj_id}")[0]["requestId"]
    listed = _logged(api, "POST /v2/customer/list")[0]["requestId"]
    assert [c.request_id for c in made] == [listed, listed]


def test_a_batch_refused_part_way_keeps_the_customers_already_created(api):
    tx = _client(api, api.token(api.company()))
    objects = [{"name": f"Kunde {n}"} for n in range(150)]
    objects[120] = {"email": "uten@navn.no"}  # no name: Tripletex refuses its batch

    with pytest.raises(BatchInterrupted) as info:
        tx.create_many("/customer", objects)

    stopped = info.value
    assert [c["name"] for c in stopped.written] == [f"Kunde {n}" for n in range(100)]
    assert (stopped.status, stopped.failed, stopped.unsent) == (422, objects[100:], [])
    assert classify(stopped, idempotent=False).action is Action.FATAL
    stored = sorted(c["id"] for c in tx.list("/customer", fields="id"))
    assert stored == sorted(c["id"] for c in stopped.written)  # the first 100, once each
    assert len(_logged(api, "POST /v2/customer/list")) == 2
