"""A page through Tripletex's all-or-nothing `/list`: one refused record must not sink the rest.

The fake below answers as Tripletex does: a page with an invalid item is refused whole, with
a 422 naming the item by its index in the list sent (`path: "[1].organizationNumber"`), and
nothing is stored. Errors are made from answers by the client's own parser and wrapped as
the client's batching wraps them, so `send_each` meets what it meets in production.
"""

from __future__ import annotations

import json

import pytest
import requests

from webapp.clients.errors import BadRequest, Conflict, RateLimited, ServerError, Unauthorized
from webapp.clients.http import Written, send_in_chunks
from webapp.clients.tripletex import BATCH_SIZE, SERVICE, parse_error
from webapp.sync.batches import reason, send_each

INVALID = "Ugyldig organisasjonsnummer."


def answer(status: int, body: dict, headers: dict | None = None):
    """The error the Tripletex client makes of this answer."""
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers.update({"Content-Type": "application/json", **(headers or {})})
    return parse_error(SERVICE, response)


def refusal(*messages: tuple[str | None, str]):
    """Tripletex's 422 for a /list write, one validation message per (path, message)."""
    return answer(
        422,
        {
            "status": 422,
            "code": 18000,
            "message": "Validering feilet.",
            "validationMessages": [
                {"field": "organizationNumber", "message": text, "path": path, "rootId": 0}
                for path, text in messages
            ],
            "requestId": "req-refused",
        },
    )


def failure(status: int, headers: dict | None = None):
    return answer(status, {"status": status, "code": 0, "message": "Feil"}, headers)


class FakeList:
    """Tripletex's `/customer/list`: all or nothing.

    Items whose name is in `invalid` are refused; `naming` says how the refusal names them:
    "first" (as Tripletex and its sandbox do: the first invalid item, by index), "all" (every
    invalid item, by index) or "none" (no index at all). `script` holds, per call, an error
    to answer with, or "short" for an answer with one item fewer, or None to answer normally.
    """

    def __init__(self, invalid=(), *, naming="first", script=()):
        self.invalid = (
            dict(invalid) if isinstance(invalid, dict) else dict.fromkeys(invalid, INVALID)
        )
        self.naming = naming
        self.script = list(script)
        self.calls: list[list[str]] = []

    def __call__(self, items: list[dict]) -> list[Written]:
        written: list[Written] = []
        send_in_chunks(items, BATCH_SIZE, lambda chunk: written.extend(self._send(chunk)), written)
        return written

    def _send(self, chunk: list[dict]) -> list[Written]:
        self.calls.append([item["name"] for item in chunk])
        scripted = self.script.pop(0) if self.script else None
        if isinstance(scripted, Exception):
            raise scripted
        bad = [(i, item) for i, item in enumerate(chunk) if item["name"] in self.invalid]
        if bad:
            if self.naming == "first":
                bad = bad[:1]
            raise refusal(
                *(
                    (
                        f"[{i}].organizationNumber"
                        if self.naming != "none"
                        else "organizationNumber",
                        self.invalid[item["name"]],
                    )
                    for i, item in bad
                )
            )
        stored = [
            Written({"id": 100 + ord(item["name"]), **item}, f"req-{len(self.calls)}")
            for item in chunk
        ]
        return stored[:-1] if scripted == "short" else stored


def items(*names: str) -> list[dict]:
    return [{"name": name} for name in names]


def names(sent_done: dict) -> dict:
    return {position: written["name"] for position, written in sent_done.items()}


def test_a_page_tripletex_accepts_is_sent_once_and_all_of_it_is_done():
    tripletex = FakeList()

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=False)

    assert tripletex.calls == [["A", "B", "C"]]
    assert (names(sent.done), sent.refused, sent.stopped, sent.error) == (
        {0: "A", 1: "B", 2: "C"},
        {},
        [],
        None,
    )
    assert [w.request_id for w in sent.done.values()] == ["req-1"] * 3


def test_a_refused_item_is_set_aside_and_the_rest_sent_again():
    tripletex = FakeList(invalid={"B"})

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=False)

    assert tripletex.calls == [["A", "B", "C"], ["A", "C"]]
    assert (names(sent.done), sent.stopped, sent.error) == ({0: "A", 2: "C"}, [], None)
    assert {p: (type(e), e.status, reason(e)) for p, e in sent.refused.items()} == {
        1: (BadRequest, 422, INVALID)
    }


def test_each_refusal_is_named_by_its_index_in_the_list_sent_not_in_the_page():
    """After B is set aside, D is item [2] of the second list but position 3 of the page."""
    tripletex = FakeList(invalid={"B", "D"})

    sent = send_each(tripletex, items("A", "B", "C", "D", "E"), idempotent=True)

    assert tripletex.calls == [["A", "B", "C", "D", "E"], ["A", "C", "D", "E"], ["A", "C", "E"]]
    assert (names(sent.done), sorted(sent.refused), sent.stopped) == (
        {0: "A", 2: "C", 4: "E"},
        [1, 3],
        [],
    )


def test_several_items_named_in_one_refusal_are_all_set_aside_at_once():
    tripletex = FakeList(invalid={"A", "C"}, naming="all")

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=False)

    assert tripletex.calls == [["A", "B", "C"], ["B"]]
    assert (names(sent.done), sorted(sent.refused), sent.stopped) == ({1: "B"}, [0, 2], [])


def test_each_item_named_in_one_refusal_is_refused_for_its_own_reason():
    """The reason goes onto the company in HubSpot; another company's fault is no help there."""
    tripletex = FakeList(
        invalid={"A": "Ugyldig organisasjonsnummer.", "C": "Ugyldig e-postadresse."}, naming="all"
    )

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=False)

    assert {p: reason(e) for p, e in sent.refused.items()} == {
        0: "Ugyldig organisasjonsnummer.",
        2: "Ugyldig e-postadresse.",
    }


def test_a_refusal_that_names_no_item_sends_the_page_one_by_one():
    tripletex = FakeList(invalid={"B"}, naming="none")

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=False)

    assert tripletex.calls == [["A", "B", "C"], ["A"], ["B"], ["C"]]
    assert (names(sent.done), sorted(sent.refused), sent.stopped) == ({0: "A", 2: "C"}, [1], [])
    assert reason(sent.refused[1]) == INVALID


def test_an_index_beyond_the_list_sent_is_not_taken_as_a_name():
    """Only an index into what was sent can say which item; any other falls back to one by one."""
    tripletex = FakeList(script=[refusal(("[7].organizationNumber", INVALID))])

    sent = send_each(tripletex, items("A", "B"), idempotent=False)

    assert tripletex.calls == [["A", "B"], ["A"], ["B"]]
    assert (names(sent.done), sent.refused, sent.stopped) == ({0: "A", 1: "B"}, {}, [])


def test_a_refusal_of_a_single_item_that_names_none_refuses_that_item():
    tripletex = FakeList(invalid={"A"}, naming="none")

    sent = send_each(tripletex, items("A"), idempotent=False)

    assert (tripletex.calls, sent.done, sorted(sent.refused), sent.stopped) == (
        [["A"]],
        {},
        [0],
        [],
    )


@pytest.mark.parametrize(
    "error, idempotent",
    [
        (failure(500), False),  # a create that may have been stored: re-read, not resend
        (failure(503), True),  # an update that may be retried: the caller does it
        (failure(429, {"X-Rate-Limit-Reset": "7"}), False),
        (answer(409, {"status": 409, "code": 8000, "message": "Stale version"}), True),
        (answer(401, {"status": 401, "code": 3000, "message": "Unauthorized"}), True),
    ],
    ids=["server error to a create", "server error to an update", "rate limit", "409", "401"],
)
def test_anything_but_a_refusal_stops_the_whole_page_without_splitting_it(error, idempotent):
    """Splitting would send again what Tripletex may already have stored, or is refusing now."""
    tripletex = FakeList(script=[error])

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=idempotent)

    assert tripletex.calls == [["A", "B", "C"]]
    assert (sent.done, sent.refused, sent.stopped, sent.error) == ({}, {}, [0, 1, 2], error)


def test_the_error_that_stopped_the_page_is_tripletexs_not_the_batch_wrapper():
    """The caller classifies it, waits by its hint and reports it: the client's batch wrapper
    speaks of its own chunks, not of the page."""
    error = failure(429, {"X-Rate-Limit-Reset": "7"})

    sent = send_each(FakeList(script=[error]), items("A"), idempotent=False)

    assert (type(sent.error), sent.error.retry_after, sent.error.message) == (
        RateLimited,
        7.0,
        "Feil",
    )


def test_a_server_error_to_a_create_after_a_refusal_stops_the_rest_and_keeps_the_refusal():
    tripletex = FakeList(invalid={"B"}, script=[None, failure(500)])

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=False)

    assert tripletex.calls == [["A", "B", "C"], ["A", "C"]]
    assert (sent.done, sorted(sent.refused), sent.stopped, type(sent.error)) == (
        {},
        [1],
        [0, 2],
        ServerError,
    )


def test_a_rate_limit_one_by_one_keeps_what_was_done_and_stops_the_rest():
    tripletex = FakeList(invalid={"B"}, naming="none", script=[None, None, None, failure(429)])

    sent = send_each(tripletex, items("A", "B", "C", "D"), idempotent=False)

    assert tripletex.calls == [["A", "B", "C", "D"], ["A"], ["B"], ["C"]]
    assert (names(sent.done), sorted(sent.refused), sent.stopped, type(sent.error)) == (
        {0: "A"},
        [1],
        [2, 3],
        RateLimited,
    )


def test_a_lost_session_one_by_one_stops_the_rest():
    tripletex = FakeList(invalid={"A"}, naming="none", script=[None, None, failure(401)])

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=True)

    assert (sent.done, sorted(sent.refused), sent.stopped, type(sent.error)) == (
        {},
        [0],
        [1, 2],
        Unauthorized,
    )


def test_a_locked_object_is_not_taken_for_a_refusal():
    """Tripletex's 409 code 10000 means retry later, not that the record is wrong."""
    locked = answer(409, {"status": 409, "code": 10000, "message": "Låst"})

    sent = send_each(FakeList(script=[locked]), items("A", "B"), idempotent=True)

    assert (sent.refused, sent.stopped, type(sent.error), sent.error.code) == (
        {},
        [0, 1],
        Conflict,
        10000,
    )


def test_a_short_answer_stops_the_page_because_which_items_were_stored_is_unknown():
    tripletex = FakeList(script=["short"])

    sent = send_each(tripletex, items("A", "B", "C"), idempotent=False)

    assert tripletex.calls == [["A", "B", "C"]]
    assert (sent.done, sent.refused, sent.stopped, sent.error) == ({}, {}, [0, 1, 2], None)


def test_a_short_answer_one_by_one_keeps_what_was_done_before_it():
    tripletex = FakeList(invalid={"B"}, naming="none", script=[None, None, None, "short"])

    sent = send_each(tripletex, items("A", "B", "C", "D"), idempotent=False)

    assert (names(sent.done), sorted(sent.refused), sent.stopped, sent.error) == (
        {0: "A"},
        [1],
        [2, 3],
        None,
    )
