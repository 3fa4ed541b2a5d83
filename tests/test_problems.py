"""The vocabulary of problems: what each Tripletex failure becomes, and how it reads."""

import pytest

from webapp.clients.errors import (
    BadRequest,
    BatchInterrupted,
    DeadlineExceeded,
    Forbidden,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from webapp.portal.problems import MESSAGES, Problem, as_text, explain

SERVICE = "Tripletex"


@pytest.mark.parametrize(
    "error, kind, detail",
    [
        (
            BadRequest(
                SERVICE, "x", status=422, validation_messages=[{"field": "arg:consumerToken"}]
            ),
            "consumer_token_refused",
            {},
        ),
        (
            BadRequest(
                SERVICE, "x", status=422, validation_messages=[{"field": "arg:employeeToken"}]
            ),
            "employee_token_refused",
            {},
        ),
        (Unauthorized(SERVICE, "x", status=401), "employee_token_refused", {}),
        (Forbidden(SERVICE, "x", status=403), "missing_entitlements", {"which": ["invoices"]}),
        (RateLimited(SERVICE, "x", status=429, retry_after=7), "rate_limited", {"seconds": 7}),
        (DeadlineExceeded(SERVICE, 20.0, ambiguous=True), "too_slow", {"seconds": 20}),
        (TransportError(SERVICE, "x", ambiguous=False), "unreachable", {}),
        (ServerError(SERVICE, "x", status=503), "unreachable", {}),
        (
            BadRequest(SERVICE, "x", status=400, request_id="r-1"),
            "unexpected",
            {"request_id": "r-1", "status": 400},
        ),
    ],
)
def test_each_tripletex_failure_becomes_a_problem_the_user_can_act_on(error, kind, detail):
    assert explain(error, area="invoices") == Problem(kind, detail)


def test_a_batch_cut_short_is_explained_by_what_stopped_it():
    stopped = BatchInterrupted(
        RateLimited(SERVICE, "slow down", status=429, retry_after=3),
        written=[],
        failed=[{}],
        unsent=[],
    )
    assert explain(stopped) == Problem("rate_limited", {"seconds": 3})


def test_a_problem_reads_as_one_line_for_a_log_with_its_details_filled_in():
    assert as_text(Problem("missing_entitlements", {"which": ["invoices", "payments"]})) == (
        "The token is missing access the sync needs. Missing: Invoices, Payments. Create a new "
        "token with “All entitlements”, from an employee who has access to these areas, and "
        "paste it here."
    )
    assert (
        as_text(Problem("rate_limited", {"seconds": 1}))
        == "Tripletex asked us to slow down. Try again in 1 second."
    )
    assert as_text(Problem("unexpected", {"request_id": "r-9"})).endswith(
        "give this reference: r-9"
    )


def test_a_sentence_whose_details_are_missing_is_left_out_not_half_filled():
    assert as_text(Problem("missing_entitlements")) == (
        "The token is missing access the sync needs. Create a new token with “All "
        "entitlements”, from an employee who has access to these areas, and paste it here."
    )


def test_an_unknown_kind_reads_as_unexpected():
    assert as_text(Problem("no_such_kind", {"request_id": "r-2"})) == as_text(
        Problem("unexpected", {"request_id": "r-2"})
    )
    assert "unexpected" in MESSAGES
