"""The error classifier's table, and the transport retrying exactly what the table says."""

import pytest

from tests.conftest import FakeClock
from webapp.clients import hubspot, tripletex
from webapp.clients.errors import (
    Action,
    ApiError,
    BadRequest,
    BatchInterrupted,
    Conflict,
    DeadlineExceeded,
    Forbidden,
    NotFound,
    RateLimited,
    ReplayConflict,
    ServerError,
    TokenRefused,
    TransportError,
    Unauthorized,
    UnexpectedResponse,
    classify,
    error_class_for,
)
from webapp.clients.http import Transport

RETRY, REREAD, FATAL, PAUSE = Action.RETRY, Action.REREAD, Action.FATAL, Action.PAUSE


def answered(status, code=None, retry_after=None):
    """The error a client's parser makes of an answer with this status."""
    return error_class_for(status)(
        "Tripletex", "refused", status=status, code=code, retry_after=retry_after
    )


def replayed(error):
    error.replayed = True
    return error


def batch_failed(error):
    return BatchInterrupted(error, written=[{"id": 1}], failed=[{"name": "B"}], unsent=[])


# what went wrong                                  idempotent      not idempotent  delay
TABLE = [
    ("400 invalid", answered(400), FATAL, FATAL, 0.0),
    ("422 invalid", answered(422, 18000), FATAL, FATAL, 0.0),
    ("401 credentials", answered(401, 3000), PAUSE, PAUSE, 0.0),
    (
        "refresh token refused",
        TokenRefused("HubSpot", "invalid_grant", status=400),
        PAUSE,
        PAUSE,
        0.0,
    ),
    ("403 entitlement", answered(403, 9000), PAUSE, PAUSE, 0.0),
    ("404", answered(404), FATAL, FATAL, 0.0),
    ("404 to a replay", replayed(answered(404)), REREAD, REREAD, 0.0),
    ("405 other 4xx", answered(405), FATAL, FATAL, 0.0),
    ("409 stale version", answered(409, 8000), REREAD, REREAD, 0.0),
    ("409 duplicate", answered(409, 14000), REREAD, REREAD, 0.0),
    ("409 to a replay", ReplayConflict(answered(409, 8000)), REREAD, REREAD, 0.0),
    ("409 locked", answered(409, 10000, 3.0), RETRY, RETRY, 3.0),
    ("423 locked", answered(423, retry_after=2.0), RETRY, RETRY, 2.0),
    ("429 with reset", answered(429, retry_after=7.0), RETRY, RETRY, 7.0),
    ("429 without reset", answered(429), RETRY, RETRY, 0.0),
    ("477 migrating", answered(477, retry_after=30.0), RETRY, RETRY, 30.0),
    ("500", answered(500), RETRY, REREAD, 0.0),
    ("502", answered(502), RETRY, REREAD, 0.0),
    ("503 with retry-after", answered(503, retry_after=5.0), RETRY, REREAD, 5.0),
    ("504", answered(504), RETRY, REREAD, 0.0),
    ("never sent", TransportError("Tripletex", "unreachable", ambiguous=False), RETRY, RETRY, 0.0),
    ("answer lost", TransportError("Tripletex", "timed out", ambiguous=True), RETRY, REREAD, 0.0),
    (
        "deadline before sending",
        DeadlineExceeded("Tripletex", 20, ambiguous=False),
        RETRY,
        RETRY,
        0.0,
    ),
    (
        "deadline after sending",
        DeadlineExceeded("Tripletex", 20, ambiguous=True),
        RETRY,
        REREAD,
        0.0,
    ),
    (
        "2xx unreadable to a write",
        UnexpectedResponse("Tripletex", "no envelope", status=201),
        REREAD,
        REREAD,
        0.0,
    ),
    ("no status at all", ApiError("HubSpot", "odd"), FATAL, FATAL, 0.0),
    ("batch stopped by a 502", batch_failed(answered(502)), RETRY, REREAD, 0.0),
    ("batch stopped by a 422", batch_failed(answered(422)), FATAL, FATAL, 0.0),
]


@pytest.mark.parametrize("idempotent", [True, False], ids=["idempotent", "not-idempotent"])
@pytest.mark.parametrize(
    "error, if_idempotent, if_not, delay", [row[1:] for row in TABLE], ids=[row[0] for row in TABLE]
)
def test_the_error_classifier_table(error, if_idempotent, if_not, delay, idempotent):
    decision = classify(error, idempotent=idempotent)

    assert decision.action is (if_idempotent if idempotent else if_not)
    assert decision.error is getattr(error, "error", error)  # a batch's: its failed chunk's
    assert decision.delay == (delay if decision.action is RETRY else 0.0)


@pytest.mark.parametrize(
    "status, kind",
    [
        (400, BadRequest),
        (422, BadRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (409, Conflict),
        (423, RateLimited),
        (429, RateLimited),
        (477, RateLimited),
        (500, ServerError),
        (503, ServerError),
        (418, ApiError),
    ],
)
def test_each_status_gets_its_error_type(status, kind):
    assert error_class_for(status) is kind


def test_a_caller_that_knows_it_replayed_turns_a_404_into_a_re_read():
    assert classify(answered(404), idempotent=True, replayed=True).action is REREAD


def test_a_read_is_never_a_replay_and_an_unreadable_answer_to_it_is_final():
    # A GET sent again repeats nothing: its 404 means gone, its unreadable 2xx stays so.
    assert classify(answered(404), idempotent=True, replayed=True, reads=True).action is FATAL
    unreadable = UnexpectedResponse("Tripletex", "no envelope", status=200)
    assert classify(unreadable, idempotent=True, reads=True).action is FATAL


def _json_error(status):
    return {"status": status, "code": 0, "message": "refused", "validationMessages": []}


STATUSES = [400, 401, 403, 404, 409, 422, 423, 429, 477, 500, 502, 503, 504]


@pytest.mark.parametrize("service", [tripletex, hubspot], ids=["Tripletex", "HubSpot"])
@pytest.mark.parametrize("idempotent", [True, False], ids=["idempotent", "not-idempotent"])
@pytest.mark.parametrize("status", STATUSES)
def test_the_transport_retries_exactly_what_the_classifier_says(
    httpserver, status, idempotent, service
):
    httpserver.expect_request("/thing", method="PUT").respond_with_json(
        _json_error(status), status=status
    )
    transport = Transport(
        service.SERVICE,
        error_parser=service.parse_error,
        max_attempts=3,
        clock=FakeClock(),
        jitter=lambda: 1.0,
    )

    with pytest.raises(ApiError) as raised:
        transport.request("PUT", httpserver.url_for("/thing"), idempotent=idempotent)

    refused_for_now = status in (423, 429, 477)
    retried = refused_for_now or (status >= 500 and idempotent)
    assert raised.value.status == status
    assert len(httpserver.log) == (3 if retried else 1)
    assert (classify(raised.value, idempotent=idempotent).action is RETRY) == retried


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_an_object_tripletex_holds_locked_is_written_again_once_free(httpserver, method):
    # 409 code 10000 ("Locked"): refused without acting, so even a POST may be sent again.
    locked = {"status": 409, "code": 10000, "message": "Locked", "validationMessages": []}
    httpserver.expect_ordered_request("/customer", method=method).respond_with_json(
        locked, status=409
    )
    httpserver.expect_ordered_request("/customer", method=method).respond_with_json(
        {"value": {"id": 1}}, status=200
    )
    clock = FakeClock()
    transport = Transport(
        tripletex.SERVICE, error_parser=tripletex.parse_error, clock=clock, jitter=lambda: 1.0
    )

    answer = transport.request(method, httpserver.url_for("/customer"), idempotent=False)

    assert answer.json() == {"value": {"id": 1}} and len(httpserver.log) == 2
    assert len(clock.waits) == 1
