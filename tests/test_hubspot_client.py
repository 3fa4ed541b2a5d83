"""The HubSpot client over real HTTP against a scripted local server."""

import json
from urllib.parse import parse_qs

import pytest
from werkzeug import Response

from tests.conftest import FakeClock
from tests.token_store import MemoryTokens
from webapp.clients.errors import (
    Action,
    BadRequest,
    BatchInterrupted,
    RateLimited,
    ServerError,
    classify,
)
from webapp.clients.hubspot import HubSpotClient, SearchTooBroad, TokenRefused

NOW = 1_800_000_000.0


def fresh_token(access="access-1", refresh="refresh-1", expires_at=NOW + 1800):
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": 1800,
        "expires_at": expires_at,
    }


@pytest.fixture
def sleeper():
    return FakeClock(epoch=NOW)


@pytest.fixture
def make_client(httpserver, sleeper):
    def make(token=None, **options):
        tokens = MemoryTokens(token or fresh_token())
        client = HubSpotClient(
            httpserver.url_for(""),
            "2026-03",
            "client-id",
            "client-secret",
            tokens,
            clock=sleeper,
            jitter=lambda: 1.0,
            **options,
        )
        return client, tokens

    return make


def test_paths_carry_the_configured_date_version_and_a_bearer_token(httpserver, make_client):
    httpserver.expect_request(
        "/crm/objects/2026-03/companies/12",
        headers={"Authorization": "Bearer access-1"},
        query_string={"properties": "name,orgnr"},
    ).respond_with_json({"id": "12", "properties": {"name": "Fjordkraft Energi AS"}})

    client, _ = make_client()
    assert client.get_object("companies", "12", properties=["name", "orgnr"])["id"] == "12"


def test_list_follows_the_after_cursor_to_the_end(httpserver, make_client):
    records = [{"id": str(i), "properties": {}} for i in range(1, 6)]

    def page(request):
        after = int(request.args.get("after", "0"))
        limit = int(request.args["limit"])
        chunk = records[after : after + limit]
        body = {"results": chunk}
        if after + limit < len(records):
            body["paging"] = {"next": {"after": str(after + limit), "link": "..."}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/crm/objects/2026-03/contacts").respond_with_handler(page)

    client, _ = make_client()
    assert [r["id"] for r in client.list_objects("contacts", limit=2)] == ["1", "2", "3", "4", "5"]


def test_batches_are_split_into_hundreds_and_partial_failures_are_kept(httpserver, make_client):
    def create(request):
        inputs = request.get_json()["inputs"]
        results = [
            {"id": str(i), "properties": item["properties"]}
            for i, item in enumerate(inputs)
            if item["properties"]["name"] != "bad"
        ]
        errors = [
            {"status": "error", "category": "VALIDATION_ERROR", "message": "bad name"}
            for item in inputs
            if item["properties"]["name"] == "bad"
        ]
        body = {
            "status": "COMPLETE",
            "results": results,
            "errors": errors,
            "numErrors": len(errors),
        }
        return Response(
            json.dumps(body), status=207 if errors else 201, content_type="application/json"
        )

    httpserver.expect_request(
        "/crm/objects/2026-03/products/batch/create", method="POST"
    ).respond_with_handler(create)

    inputs = [{"properties": {"name": "bad" if i == 150 else f"P{i}"}} for i in range(230)]
    client, _ = make_client()
    outcome = client.batch_create("products", inputs)

    sizes = [len(r.get_json()["inputs"]) for r, _ in httpserver.log]
    assert sizes == [100, 100, 30]
    assert len(outcome.results) == 229
    assert [e["message"] for e in outcome.errors] == ["bad name"]


def test_search_is_paced_to_five_a_second(httpserver, make_client, sleeper):
    def search(request):
        after = int(request.get_json()["after"])
        body = {"total": 600, "results": [{"id": str(after + i)} for i in range(200)]}
        if after + 200 < 600:
            body["paging"] = {"next": {"after": str(after + 200)}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request(
        "/crm/objects/2026-03/companies/search", method="POST"
    ).respond_with_handler(search)

    client, _ = make_client()
    found = list(
        client.search(
            "companies",
            filter_groups=[{"filters": [{"propertyName": "orgnr", "operator": "HAS_PROPERTY"}]}],
        )
    )

    assert len(found) == 600
    # The fake clock does not move by itself, so every page after the first waits 0.2 s.
    assert sleeper.waits == [0.2, 0.2]


def test_search_refuses_to_silently_truncate_past_ten_thousand(httpserver, make_client):
    httpserver.expect_request("/crm/objects/2026-03/deals/search", method="POST").respond_with_json(
        {"total": 12000, "results": [], "paging": {"next": {"after": "200"}}}
    )

    client, _ = make_client()
    with pytest.raises(SearchTooBroad):
        list(client.search("deals"))


def test_expiring_token_is_refreshed_with_credentials_in_the_form_body(httpserver, make_client):
    seen = {}

    def token_endpoint(request):
        seen["form"] = parse_qs(request.get_data(as_text=True))
        seen["auth"] = request.headers.get("Authorization")
        return Response(
            json.dumps(
                {
                    "access_token": "access-2",
                    "refresh_token": "refresh-2",
                    "expires_in": 1800,
                    "token_type": "bearer",
                    "token_use": "access_token",
                }
            ),
            content_type="application/json",
        )

    httpserver.expect_request("/oauth/2026-03/token", method="POST").respond_with_handler(
        token_endpoint
    )
    httpserver.expect_request(
        "/crm/objects/2026-03/deals/1", headers={"Authorization": "Bearer access-2"}
    ).respond_with_json({"id": "1", "properties": {}})

    client, tokens = make_client(token=fresh_token(expires_at=NOW + 60))
    client.get_object("deals", "1")

    assert seen["form"] == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["refresh-1"],
        "client_id": ["client-id"],
        "client_secret": ["client-secret"],
    }
    assert seen["auth"] is None
    assert tokens.saved[-1]["access_token"] == "access-2"
    assert tokens.saved[-1]["refresh_token"] == "refresh-2"
    assert tokens.locked == 1


def test_a_token_refreshed_by_another_process_is_used_without_refreshing_again(
    httpserver, make_client
):
    httpserver.expect_request(
        "/crm/objects/2026-03/deals/1", headers={"Authorization": "Bearer access-from-worker"}
    ).respond_with_json({"id": "1"})

    client, tokens = make_client(token=fresh_token(expires_at=NOW + 60))
    tokens.token = fresh_token(access="access-from-worker")  # the worker got there first
    client.get_object("deals", "1")

    assert not [r for r, _ in httpserver.log if r.path.startswith("/oauth")]
    assert tokens.saved == []


def test_refused_refresh_token_is_a_typed_error(httpserver, make_client):
    httpserver.expect_request("/oauth/2026-03/token", method="POST").respond_with_json(
        {
            "error": "invalid_grant",
            "error_description": "refresh token is invalid, expired or revoked",
            "status": "BAD_REFRESH_TOKEN",
            "message": "refresh token is invalid",
        },
        status=400,
    )

    client, tokens = make_client(token=fresh_token(expires_at=NOW - 1))
    with pytest.raises(TokenRefused) as raised:
        client.get_object("deals", "1")
    assert raised.value.code == "invalid_grant"
    assert tokens.saved == []


def test_429_honours_retry_after_and_then_succeeds(httpserver, make_client, sleeper):
    httpserver.expect_oneshot_request("/crm/objects/2026-03/companies/1").respond_with_json(
        {
            "status": "error",
            "message": "You have reached your ten_secondly_rolling limit.",
            "errorType": "RATE_LIMIT",
            "policyName": "TEN_SECONDLY_ROLLING",
        },
        status=429,
        headers={"Retry-After": "4"},
    )
    httpserver.expect_request("/crm/objects/2026-03/companies/1").respond_with_json({"id": "1"})

    client, _ = make_client()
    assert client.get_object("companies", "1")["id"] == "1"
    assert sleeper.waits == [4.0]


def test_423_locked_waits_at_least_two_seconds(httpserver, make_client, sleeper):
    httpserver.expect_oneshot_request(
        "/crm/objects/2026-03/companies/batch/upsert", method="POST"
    ).respond_with_json({"status": "error", "message": "locked"}, status=423)
    httpserver.expect_request(
        "/crm/objects/2026-03/companies/batch/upsert", method="POST"
    ).respond_with_json({"status": "COMPLETE", "results": [{"id": "1"}]})

    client, _ = make_client()
    outcome = client.batch_upsert(
        "companies", [{"id": "x", "idProperty": "orgnr", "properties": {}}]
    )
    assert outcome.results == [{"id": "1"}]
    assert sleeper.waits == [2.0]


def test_rate_limit_errors_surface_after_the_last_attempt(httpserver, make_client):
    httpserver.expect_request("/crm/objects/2026-03/companies/1").respond_with_json(
        {"status": "error", "errorType": "RATE_LIMIT", "correlationId": "c-1"}, status=429
    )

    client, _ = make_client(max_attempts=3)
    with pytest.raises(RateLimited) as raised:
        client.get_object("companies", "1")
    assert raised.value.request_id == "c-1"
    assert len(httpserver.log) == 3


def test_batch_create_is_not_replayed_after_a_server_error(httpserver, make_client):
    httpserver.expect_request(
        "/crm/objects/2026-03/deals/batch/create", method="POST"
    ).respond_with_json({"status": "error"}, status=502)
    inputs = [{"properties": {"dealname": "x"}}]

    client, _ = make_client()
    with pytest.raises(BatchInterrupted) as raised:
        client.batch_create("deals", inputs)

    stopped = raised.value
    assert isinstance(stopped.error, ServerError) and stopped.status == 502
    assert (stopped.written.results, stopped.failed, stopped.unsent) == ([], inputs, [])
    assert classify(stopped, idempotent=False).action is Action.REREAD  # it may exist now
    assert len(httpserver.log) == 1


def test_a_batch_that_fails_part_way_hands_back_what_the_earlier_calls_wrote(
    httpserver, make_client
):
    calls = []

    def create(request):
        calls.append(request.get_json()["inputs"])
        headers = {"X-HubSpot-Correlation-Id": f"corr-{len(calls)}"}
        if len(calls) == 2:  # without trace ids HubSpot refuses the whole call
            body = {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "bad",
                "correlationId": headers["X-HubSpot-Correlation-Id"],
            }
            return Response(
                json.dumps(body), status=400, headers=headers, content_type="application/json"
            )
        inputs = calls[-1]
        body = {
            "status": "COMPLETE",
            "numErrors": 1,
            "results": [
                {"id": str(i), "properties": item["properties"]}
                for i, item in enumerate(inputs[1:], start=1)
            ],
            "errors": [{"status": "error", "category": "VALIDATION_ERROR", "message": "bad name"}],
        }
        return Response(
            json.dumps(body), status=207, headers=headers, content_type="application/json"
        )

    httpserver.expect_request(
        "/crm/objects/2026-03/products/batch/create", method="POST"
    ).respond_with_handler(create)
    inputs = [{"properties": {"name": f"P{i}"}} for i in range(250)]

    client, _ = make_client()
    with pytest.raises(BatchInterrupted) as raised:
        client.batch_create("products", inputs)

    stopped = raised.value
    written = stopped.written
    assert [r["properties"]["name"] for r in written.results] == [f"P{i}" for i in range(1, 100)]
    assert {r.request_id for r in written.results} == {"corr-1"}
    assert [e["message"] for e in written.errors] == ["bad name"]  # the 207's, kept
    assert isinstance(stopped.error, BadRequest) and stopped.request_id == "corr-2"
    assert (stopped.failed, stopped.unsent) == (inputs[100:200], inputs[200:])
    assert classify(stopped, idempotent=False).action is Action.FATAL
    assert calls == [inputs[:100], inputs[100:200]]  # nothing sent twice


def test_writes_return_hubspot_s_correlation_id(httpserver, make_client):
    for method, path in (
        ("POST", "/crm/objects/2026-03/companies"),
        ("PATCH", "/crm/objects/2026-03/companies/7"),
        ("DELETE", "/crm/objects/2026-03/companies/7"),
    ):
        httpserver.expect_request(path, method=method).respond_with_json(
            {} if method == "DELETE" else {"id": "7", "properties": {}},
            status={"POST": 201, "PATCH": 200, "DELETE": 204}[method],
            headers={"X-HubSpot-Correlation-Id": f"corr-{method}"},
        )
    httpserver.expect_request(
        "/crm/objects/2026-03/companies/batch/update", method="POST"
    ).respond_with_json(
        {"status": "COMPLETE", "results": [{"id": "7"}]},
        headers={"X-HubSpot-Correlation-Id": "corr-batch"},
    )

    client, _ = make_client()
    created = client.create_object("companies", {"name": "Fjord AS"})
    updated = client.update_object("companies", "7", {"city": "Oslo"})
    batch = client.batch_update("companies", [{"id": "7", "properties": {"city": "Bergen"}}])
    archived = client.archive_object("companies", "7")

    assert created["id"] == updated["id"] == batch.results[0]["id"] == "7"
    assert [
        created.request_id,
        updated.request_id,
        batch.results[0].request_id,
        archived.request_id,
    ] == ["corr-POST", "corr-PATCH", "corr-batch", "corr-DELETE"]


def test_introspection_sends_client_credentials_without_the_bearer(httpserver, make_client):
    httpserver.expect_request("/oauth/2026-03/token/introspect", method="POST").respond_with_json(
        {
            "active": True,
            "hub_id": 4000001,
            "user_id": 7,
            "scopes": ["oauth"],
            "token_use": "access_token",
        }
    )

    client, _ = make_client()
    assert client.introspect("access-1")["hub_id"] == 4000001

    ((request, _),) = httpserver.log
    assert "Authorization" not in request.headers
    assert parse_qs(request.get_data(as_text=True)) == {
        "client_id": ["client-id"],
        "client_secret": ["client-secret"],
        "token": ["access-1"],
        "token_type_hint": ["access_token"],
    }


def test_uninstall_calls_external_install(httpserver, make_client):
    httpserver.expect_request(
        "/appinstalls/2026-03/external-install",
        method="DELETE",
        headers={"Authorization": "Bearer access-1"},
    ).respond_with_data("", status=204)

    client, _ = make_client()
    client.uninstall()
    assert len(httpserver.log) == 1
