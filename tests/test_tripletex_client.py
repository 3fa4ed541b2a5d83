"""The Tripletex client over real HTTP against a scripted local server."""

import base64
import json
import logging
import time

import pytest
from werkzeug import Response

from webapp.clients.errors import (
    Action,
    BadRequest,
    BatchInterrupted,
    Conflict,
    DeadlineExceeded,
    ReplayConflict,
    ServerError,
    TransportError,
    Unauthorized,
    classify,
)
from webapp.clients.http import Deadline, redact
from webapp.clients.tripletex import Session, TripletexClient

SESSION_TOKEN = "eyJ0b2tlbklkIjoxLCJ0b2tlbiI6InNlc3Npb24tMSJ9"
EMPLOYEE_TOKEN = "employee-secret-token"
CONSUMER_TOKEN = "consumer-secret-token"


def session_reply(token=SESSION_TOKEN, expiration="2026-11-26"):
    return {
        "value": {
            "id": 7,
            "version": 1,
            "url": "tripletex.no/v2/token/session/7",
            "consumerToken": {"id": 1, "url": "tripletex.no/v2/token/consumer/1"},
            "employeeToken": {"id": 2, "url": "tripletex.no/v2/token/employee/2"},
            "expirationDate": expiration,
            "token": token,
            "encryptionKey": None,
        }
    }


def basic(user, token):
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


def api_error(status, code, message, field=None):
    return {
        "status": status,
        "code": code,
        "message": message,
        "link": "",
        "developerMessage": None,
        "validationMessages": [{"field": field, "message": message, "path": None, "rootId": None}]
        if field
        else [],
        "requestId": "req-123",
    }


@pytest.fixture
def make_client(httpserver, sleeper):
    def make(**options):
        return TripletexClient(
            httpserver.url_for("/v2"),
            CONSUMER_TOKEN,
            EMPLOYEE_TOKEN,
            clock=sleeper,
            jitter=lambda: 1.0,
            **options,
        )

    return make


def expect_session(httpserver, token=SESSION_TOKEN):
    httpserver.expect_oneshot_request("/v2/token/session/:create", method="POST").respond_with_json(
        session_reply(token), status=201
    )


def test_session_is_created_with_post_and_an_oslo_date_two_days_ahead(httpserver, make_client):
    httpserver.expect_request(
        "/v2/token/session/:create",
        method="POST",
        json={
            "consumerToken": CONSUMER_TOKEN,
            "employeeToken": EMPLOYEE_TOKEN,
            "expirationDate": "2026-11-26",
        },
    ).respond_with_json(session_reply(), status=201)
    httpserver.expect_request(
        "/v2/token/session/>whoAmI", headers={"Authorization": basic(0, SESSION_TOKEN)}
    ).respond_with_json({"value": {"employeeId": 5, "companyId": 9}})

    who = make_client().who_am_i()

    assert who == {"employeeId": 5, "companyId": 9}
    whoami_request = httpserver.log[-1][0]
    assert whoami_request.args["fields"] == "*,employee(*),company(*)"


def test_session_falls_back_to_legacy_put_when_post_is_unknown(httpserver, make_client):
    httpserver.expect_request("/v2/token/session/:create", method="POST").respond_with_json(
        api_error(404, 6000, "Not found"), status=404
    )
    httpserver.expect_request(
        "/v2/token/session/:create",
        method="PUT",
        query_string={
            "consumerToken": CONSUMER_TOKEN,
            "employeeToken": EMPLOYEE_TOKEN,
            "expirationDate": "2026-11-26",
        },
    ).respond_with_json(session_reply())

    session = make_client().create_session()

    assert session.token == SESSION_TOKEN
    assert session.expiration_date == "2026-11-26"


def test_accountant_client_company_goes_in_the_basic_user_name(httpserver, make_client):
    expect_session(httpserver)
    httpserver.expect_request(
        "/v2/customer/1", headers={"Authorization": basic(4242, SESSION_TOKEN)}
    ).respond_with_json({"value": {"id": 1}})

    assert make_client(company_id=4242).get("/customer/1") == {"id": 1}


def test_expired_session_is_recreated_once_on_401(httpserver, make_client):
    expect_session(httpserver, "old-session")
    expect_session(httpserver, "new-session")
    httpserver.expect_oneshot_request(
        "/v2/customer/1", headers={"Authorization": basic(0, "old-session")}
    ).respond_with_json(api_error(401, 3000, "Unauthorized"), status=401)
    httpserver.expect_request(
        "/v2/customer/1", headers={"Authorization": basic(0, "new-session")}
    ).respond_with_json({"value": {"id": 1}})

    client = make_client()
    assert client.get("/customer/1") == {"id": 1}
    assert client.sessions.load().token == "new-session"


def test_a_second_401_is_raised_rather_than_looping(httpserver, make_client):
    httpserver.expect_request("/v2/token/session/:create", method="POST").respond_with_json(
        session_reply(), status=201
    )
    httpserver.expect_request("/v2/customer/1").respond_with_json(
        api_error(401, 3000, "Unauthorized"), status=401
    )

    with pytest.raises(Unauthorized) as raised:
        make_client().get("/customer/1")

    error = raised.value
    assert (error.service, error.status, error.code, error.request_id, error.message) == (
        "Tripletex",
        401,
        3000,
        "req-123",
        "Unauthorized",
    )
    assert classify(error, idempotent=True).action is Action.PAUSE  # reconnect, then resume
    creates = [r for r, _ in httpserver.log if r.path.endswith(":create")]
    assert len(creates) == 2


def test_paging_stops_on_a_short_page_not_on_full_result_size(httpserver, make_client):
    expect_session(httpserver)
    rows = [{"id": i} for i in range(5)]

    def page(request):
        start, count = int(request.args["from"]), int(request.args["count"])
        chunk = rows[start : start + count]
        # Tripletex's fullResultSize is roughly count+1 while more rows exist.
        return Response(
            json.dumps(
                {
                    "fullResultSize": min(len(rows), count + 1),
                    "from": start,
                    "count": len(chunk),
                    "versionDigest": None,
                    "values": chunk,
                }
            ),
            content_type="application/json",
        )

    httpserver.expect_request("/v2/customer").respond_with_handler(page)

    got = list(make_client().list("/customer", fields="id,name", page_size=2))

    assert got == rows
    pages = [r.args for r, _ in httpserver.log if r.path == "/v2/customer"]
    assert [(p["from"], p["count"]) for p in pages] == [("0", "2"), ("2", "2"), ("4", "2")]
    assert all(p["fields"] == "id,name" for p in pages)


def test_batch_read_uses_comma_separated_ids_in_chunks_of_100(httpserver, make_client):
    expect_session(httpserver)

    def by_id(request):
        ids = [int(i) for i in request.args["ids"].split(",")]
        ids = ids[int(request.args["from"]) :][: int(request.args["count"])]
        return Response(
            json.dumps(
                {
                    "fullResultSize": len(ids),
                    "from": 0,
                    "count": len(ids),
                    "values": [{"id": i} for i in ids],
                }
            ),
            content_type="application/json",
        )

    httpserver.expect_request("/v2/product").respond_with_handler(by_id)

    got = list(make_client().get_many("/product", range(1, 251)))

    assert [p["id"] for p in got] == list(range(1, 251))
    # /product filters by `ids` (most endpoints take `id`).
    sizes = [len(r.args["ids"].split(",")) for r, _ in httpserver.log if r.path == "/v2/product"]
    assert sizes == [100, 100, 50]


def test_batch_create_posts_to_the_list_endpoint(httpserver, make_client):
    expect_session(httpserver)
    httpserver.expect_request(
        "/v2/customer/list", method="POST", json=[{"name": "A"}, {"name": "B"}]
    ).respond_with_json(
        {"fullResultSize": 0, "values": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}]},
        status=201,
    )

    created = make_client().create_many("/customer", [{"name": "A"}, {"name": "B"}])

    assert [c["id"] for c in created] == [1, 2]


def _list_write(fail_on_chunk, status, code, request_ids):
    """A `/list` endpoint that stores every chunk but the given one, which it refuses."""
    chunks = iter(range(1, 100))

    def handler(request):
        number = next(chunks)
        headers = {"x-tlx-request-id": f"req-{number}"}
        request_ids.append(headers["x-tlx-request-id"])
        if number == fail_on_chunk:
            body = dict(api_error(status, code, "refused"), requestId=f"req-{number}")
            return Response(
                json.dumps(body), status=status, headers=headers, content_type="application/json"
            )
        stored = [
            dict(item, id=item.get("id", 1000 + i), version=1)
            for i, item in enumerate(request.get_json())
        ]
        return Response(
            json.dumps({"fullResultSize": 0, "values": stored}),
            status=201,
            headers=headers,
            content_type="application/json",
        )

    return handler


def test_writes_return_the_request_id_tripletex_gave_them(httpserver, make_client):
    expect_session(httpserver)
    for method, path, status in (
        ("POST", "/v2/customer", 201),
        ("PUT", "/v2/customer/1", 200),
        ("PUT", "/v2/order/1/:invoice", 200),
    ):
        httpserver.expect_request(path, method=method).respond_with_json(
            {"value": {"id": 1}},
            status=status,
            headers={"x-tlx-request-id": f"req-{method} {path}"},
        )
    client = make_client()

    created = client.create("/customer", {"name": "A"})
    updated = client.update("/customer/1", {"version": 0, "name": "B"})
    invoiced = client.action("/order/1/:invoice", {"invoiceDate": "2026-11-24"})

    assert created == updated == invoiced == {"id": 1}
    assert [created.request_id, updated.request_id, invoiced.request_id] == [
        "req-POST /v2/customer",
        "req-PUT /v2/customer/1",
        "req-PUT /v2/order/1/:invoice",
    ]


def test_a_batch_create_that_fails_part_way_hands_back_what_was_created(httpserver, make_client):
    expect_session(httpserver)
    seen = []
    httpserver.expect_request("/v2/customer/list", method="POST").respond_with_handler(
        _list_write(fail_on_chunk=2, status=502, code=0, request_ids=seen)
    )
    objects = [{"name": f"Kunde {n}"} for n in range(250)]

    with pytest.raises(BatchInterrupted) as raised:
        make_client().create_many("/customer", objects)

    stopped = raised.value
    assert [c["name"] for c in stopped.written] == [f"Kunde {n}" for n in range(100)]
    assert {c.request_id for c in stopped.written} == {"req-1"}
    assert isinstance(stopped.error, ServerError) and stopped.request_id == "req-2"
    assert (stopped.failed, stopped.unsent) == (objects[100:200], objects[200:])
    # The failed chunk may have been stored: look it up; never send the first one again.
    assert classify(stopped, idempotent=False).action is Action.REREAD
    posted = [r.get_json() for r, _ in httpserver.log if r.path == "/v2/customer/list"]
    assert posted == [objects[:100], objects[100:200]] and seen == ["req-1", "req-2"]


def test_a_batch_update_refused_part_way_hands_back_what_was_updated(httpserver, make_client):
    expect_session(httpserver)
    seen = []
    httpserver.expect_request("/v2/customer/list", method="PUT").respond_with_handler(
        _list_write(fail_on_chunk=2, status=422, code=18000, request_ids=seen)
    )
    objects = [{"id": n, "version": 0, "description": "x"} for n in range(150)]

    with pytest.raises(BatchInterrupted) as raised:
        make_client().update_many("/customer", objects)

    stopped = raised.value
    assert [c["id"] for c in stopped.written] == list(range(100))
    assert isinstance(stopped.error, BadRequest) and stopped.code == 18000
    assert (stopped.failed, stopped.unsent) == (objects[100:], [])
    assert classify(stopped, idempotent=True).action is Action.FATAL
    assert seen == ["req-1", "req-2"]  # each chunk sent once


def test_create_refuses_an_object_with_an_id(make_client):
    with pytest.raises(ValueError):
        make_client().create("/customer", {"id": 5, "name": "X"})


def test_429_waits_for_the_rate_limit_reset_then_succeeds(httpserver, make_client, sleeper):
    expect_session(httpserver)
    httpserver.expect_oneshot_request("/v2/customer/1").respond_with_json(
        api_error(429, 15000, "Too many requests"),
        status=429,
        headers={
            "X-Rate-Limit-Limit": "100",
            "X-Rate-Limit-Remaining": "0",
            "X-Rate-Limit-Reset": "7",
        },
    )
    httpserver.expect_request("/v2/customer/1").respond_with_json({"value": {"id": 1}})

    assert make_client().get("/customer/1") == {"id": 1}
    assert 7 in sleeper.waits


def test_429_without_a_reset_header_backs_off_exponentially(httpserver, make_client, sleeper):
    expect_session(httpserver)
    for _ in range(3):
        httpserver.expect_oneshot_request("/v2/customer/1").respond_with_json(
            api_error(429, 15000, "Too many requests"), status=429
        )
    httpserver.expect_request("/v2/customer/1").respond_with_json({"value": {"id": 1}})

    assert make_client().get("/customer/1") == {"id": 1}
    assert sleeper.waits == [0.5, 1.0, 2.0]


def test_429_on_a_post_is_retried_because_nothing_was_done(httpserver, make_client, sleeper):
    expect_session(httpserver)
    httpserver.expect_oneshot_request("/v2/customer", method="POST").respond_with_json(
        api_error(429, 15000, "Too many requests"), status=429
    )
    httpserver.expect_request("/v2/customer", method="POST").respond_with_json(
        {"value": {"id": 10, "name": "A"}}, status=201
    )

    assert make_client().create("/customer", {"name": "A"})["id"] == 10


def test_retries_are_bounded(httpserver, make_client, sleeper):
    expect_session(httpserver)
    httpserver.expect_request("/v2/customer/1").respond_with_json(
        api_error(503, 0, "Unavailable"), status=503
    )

    with pytest.raises(ServerError):
        make_client(max_attempts=4).get("/customer/1")
    assert len([r for r, _ in httpserver.log if r.path == "/v2/customer/1"]) == 4


def test_5xx_on_a_post_is_not_replayed(httpserver, make_client):
    expect_session(httpserver)
    httpserver.expect_request("/v2/order", method="POST").respond_with_json(
        api_error(502, 0, "Bad gateway"), status=502
    )

    with pytest.raises(ServerError):
        make_client().create("/order", {"customer": {"id": 1}})
    assert len([r for r, _ in httpserver.log if r.path == "/v2/order"]) == 1


def test_a_lost_answer_to_a_post_is_reported_as_ambiguous(httpserver, make_client):
    import threading

    expect_session(httpserver)
    release = threading.Event()

    def slow(request):
        release.wait(2)
        return Response("{}", status=201, content_type="application/json")

    httpserver.expect_request("/v2/order", method="POST").respond_with_handler(slow)

    client = make_client(timeout=0.2)
    with pytest.raises(TransportError) as raised:
        client.create("/order", {"customer": {"id": 1}})
    release.set()
    assert raised.value.ambiguous is True
    assert len([r for r, _ in httpserver.log if r.path == "/v2/order"]) <= 1


def test_unreachable_service_is_a_transport_error_that_never_reached_it(make_client, sleeper):
    client = TripletexClient(
        "http://127.0.0.1:9/v2", CONSUMER_TOKEN, EMPLOYEE_TOKEN, clock=sleeper, max_attempts=2
    )
    with pytest.raises(TransportError) as raised:
        client.create_session()
    assert raised.value.ambiguous is False


def test_validation_errors_carry_status_code_fields_and_request_id(httpserver, make_client):
    expect_session(httpserver)
    httpserver.expect_request("/v2/customer", method="POST").respond_with_json(
        api_error(422, 18000, "Validering feilet.", field="name"), status=422
    )

    with pytest.raises(BadRequest) as raised:
        make_client().create("/customer", {"email": "x@example.no"})

    error = raised.value
    assert (error.status, error.code, error.request_id) == (422, 18000, "req-123")
    assert error.fields() == {"name"}


def test_stale_version_is_a_conflict(httpserver, make_client):
    expect_session(httpserver)
    httpserver.expect_request("/v2/customer/1", method="PUT").respond_with_json(
        api_error(409, 8000, "RevisionException"), status=409
    )

    with pytest.raises(Conflict) as raised:
        make_client().update("/customer/1", {"id": 1, "version": 1, "name": "New"})
    assert raised.value.code == 8000
    assert type(raised.value) is Conflict and raised.value.replayed is False


def test_a_versioned_update_sent_again_after_a_5xx_and_met_by_409_is_a_replay(
    httpserver, make_client
):
    expect_session(httpserver)
    httpserver.expect_oneshot_request("/v2/customer/1", method="PUT").respond_with_json(
        api_error(503, 1000, "Service Unavailable"), status=503
    )
    httpserver.expect_request("/v2/customer/1", method="PUT").respond_with_json(
        api_error(409, 8000, "RevisionException"), status=409
    )

    with pytest.raises(ReplayConflict) as raised:
        make_client().update("/customer/1", {"version": 1, "name": "New"})

    assert (raised.value.status, raised.value.code, raised.value.replayed) == (409, 8000, True)
    assert classify(raised.value, idempotent=True).action is Action.REREAD
    assert len([r for r, _ in httpserver.log if r.path == "/v2/customer/1"]) == 2


def test_pacing_waits_when_the_window_is_spent(httpserver, make_client, sleeper):
    expect_session(httpserver)
    httpserver.expect_request("/v2/customer/1").respond_with_json(
        {"value": {"id": 1}}, headers={"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "3"}
    )

    client = make_client()
    client.get("/customer/1")
    client.get("/customer/1")

    assert 3 in sleeper.waits


def test_tokens_never_reach_the_logs(httpserver, make_client, caplog):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request("/v2/token/session/:create", method="POST").respond_with_json(
        api_error(404, 6000, "Not found"), status=404
    )
    httpserver.expect_request("/v2/token/session/:create", method="PUT").respond_with_json(
        session_reply()
    )
    httpserver.expect_request(
        f"/v2/token/session/{SESSION_TOKEN}", method="DELETE"
    ).respond_with_data("", status=204)

    client = make_client()
    client.create_session()
    client.delete_session()

    text = caplog.text
    assert "consumerToken=***" in text
    for secret in (CONSUMER_TOKEN, EMPLOYEE_TOKEN, SESSION_TOKEN):
        assert secret not in text


def test_a_deadline_stops_retries_that_could_not_finish_in_time(httpserver, make_client, sleeper):
    expect_session(httpserver)
    httpserver.expect_request("/v2/customer/1").respond_with_json(
        api_error(503, 1000, "Service Unavailable"), status=503
    )
    deadline = Deadline(3.0, sleeper)
    client = make_client(max_attempts=5, backoff_base=2.0, deadline=deadline)

    with pytest.raises(ServerError):
        client.get("/customer/1")

    # 2 s of backoff, then 4 s would end past the deadline: that wait is never slept.
    assert sleeper.waits == [2.0]
    assert len([r for r, _ in httpserver.log if r.path == "/v2/customer/1"]) == 2


def test_no_call_starts_once_the_deadline_has_passed(httpserver, make_client, sleeper):
    expect_session(httpserver)
    deadline = Deadline(5.0, sleeper)
    client = make_client(deadline=deadline)
    client.create_session()
    sleeper.elapsed += 5.0

    with pytest.raises(DeadlineExceeded) as raised:
        client.get("/customer/1")

    assert raised.value.seconds == 5.0 and raised.value.ambiguous is False
    assert [r.path for r, _ in httpserver.log] == ["/v2/token/session/:create"]


def test_each_call_waits_only_for_what_is_left_of_the_deadline(httpserver, make_client):
    # A real clock: the server answers after 1.5 s, the deadline allows 0.5 s in all.
    expect_session(httpserver)
    httpserver.expect_request("/v2/customer/1").respond_with_handler(
        lambda request: (time.sleep(1.5), Response('{"value": {}}'))[1]
    )
    client = make_client(timeout=30.0)
    client.create_session()
    client.transport.deadline = Deadline(0.5)  # from now: the session call spent none of it

    with pytest.raises(DeadlineExceeded) as raised:
        client.get("/customer/1")

    assert raised.value.ambiguous is True  # the request went out; it may have run


def test_calls_made_at_once_share_one_session_and_the_deadline(httpserver, make_client):
    expect_session(httpserver)
    httpserver.expect_request(
        "/v2/customer/1", headers={"Authorization": basic(0, SESSION_TOKEN)}
    ).respond_with_json({"value": {"id": 1}})
    deadline = Deadline(30.0)
    client = make_client(deadline=deadline)
    seen = []

    def read(twin):
        seen.append((twin.transport.deadline, twin.transport.session))
        return twin.get("/customer/1")

    assert client.concurrently(read, read, read) == [{"id": 1}] * 3

    assert all(d is deadline for d, _ in seen)
    assert len({id(s) for _, s in seen}) == 3 and client.transport.session not in {
        s for _, s in seen
    }  # threads never share a connection pool
    assert [r.path for r, _ in httpserver.log].count("/v2/token/session/:create") == 1
    assert client.sessions.load().token == SESSION_TOKEN


def test_a_session_that_died_is_renewed_once_for_all_calls_and_kept(httpserver, make_client):
    renewed = "eyJ0b2tlbklkIjoyLCJ0b2tlbiI6InNlc3Npb24tMiJ9"
    httpserver.expect_request("/v2/token/session/:create", method="POST").respond_with_json(
        session_reply(renewed), status=201
    )
    httpserver.expect_request(
        "/v2/customer/1", headers={"Authorization": basic(0, SESSION_TOKEN)}
    ).respond_with_json(api_error(401, 3000, "Unauthorized"), status=401)
    httpserver.expect_request(
        "/v2/customer/1", headers={"Authorization": basic(0, renewed)}
    ).respond_with_json({"value": {"id": 1}})
    client = make_client()
    client.sessions.save(Session(SESSION_TOKEN, "2026-11-26"))  # stored, but dead

    assert client.concurrently(*[lambda twin: twin.get("/customer/1")] * 9) == [{"id": 1}] * 9

    assert [r.path for r, _ in httpserver.log].count("/v2/token/session/:create") == 1
    assert client.sessions.load().token == renewed  # the next page reuses it


@pytest.mark.parametrize(
    "line, logged",
    [
        (
            "GET /oauth/callback?code=na1-1234-abcd&state=xyz HTTP/1.1",
            "GET /oauth/callback?code=***&state=xyz HTTP/1.1",
        ),
        (
            "GET /oauth/callback?state=xyz&code=na1-1234 HTTP/1.1",
            "GET /oauth/callback?state=xyz&code=*** HTTP/1.1",
        ),
        (
            "GET /v2/currency?from=0&count=1&code=NOK -> 200",
            "GET /v2/currency?from=0&count=1&code=NOK -> 200",
        ),
        (
            "PUT /v2/token/session/:create?consumerToken=c1&employeeToken=e1"
            "&expirationDate=2026-12-03",
            "PUT /v2/token/session/:create?consumerToken=***&employeeToken=***"
            "&expirationDate=2026-12-03",
        ),
        ("GET /setup/check?_s=eyJwb3J0YWwi.abc&lang=nb", "GET /setup/check?_s=***&lang=nb"),
        ("GET /hubspot/settings/open?login=Zm9v", "GET /hubspot/settings/open?login=***"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer ***"),
    ],
)
def test_logs_redact_secrets_by_name_and_keep_harmless_values(line, logged):
    assert redact(line) == logged


def test_an_answer_that_trickles_in_is_cut_off_at_the_deadline(httpserver, make_client):
    # Each byte arrives well within the socket timeout; the whole answer never would.
    def trickle(request):
        def body():
            yield b'{"value": {"id": 1, "pad": "'
            for _ in range(15):
                time.sleep(0.1)
                yield b"x"
            yield b'"}}'

        return Response(body(), content_type="application/json")

    expect_session(httpserver)
    httpserver.expect_request("/v2/customer/1").respond_with_handler(trickle)
    client = make_client(timeout=30.0)
    client.create_session()
    client.transport.deadline = Deadline(0.5)  # from now: the session call spent none of it

    with pytest.raises(DeadlineExceeded) as raised:
        client.get("/customer/1")

    assert raised.value.ambiguous is True
