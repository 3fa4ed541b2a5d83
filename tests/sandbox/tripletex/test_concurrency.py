"""409 from concurrent writes, not only from stale versions the client sent (issue "Sandboxes,
round 2", item 7; fidelity-findings A2). The sandbox serves one request at a time, so it
answers 409 to a write that waited while another request changed its record; the fault
`write_conflicts` forces the answer where no race can happen."""

import threading

import pytest
import requests

from webapp.clients.errors import Conflict
from webapp.clients.tripletex import TripletexClient

from .conftest import CONSUMER
from .flows import customer, order


def _together(*calls) -> list[requests.Response]:
    """Send the calls at the same moment from threads; return their answers in order."""
    start, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        start.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return answers


def _slow_writes(api) -> None:
    # Both requests arrive, then wait 300 ms before either reaches the record.
    api.control("POST", "faults", {"latency_ms": 300, "path_prefix": "/v2/customer"})


def _session(api, tx) -> requests.Session:
    """A second connection with the same token, as a second worker would have."""
    other = requests.Session()
    other.auth = tx.auth
    return other


def test_two_simultaneous_writes_to_one_customer_leave_one_409(tx):
    """ "409 Conflict - Such as an edit conflict between multiple simultaneous updates", code
    8000 Revision Exception (the spec's status codes). Neither request sent a version."""
    made = customer(tx, name="Delt AS")
    url = tx.u(f"/v2/customer/{made['id']}")
    _slow_writes(tx.api)
    other = _session(tx.api, tx)
    answers = _together(
        lambda: tx.put(url, json={"phoneNumber": "1"}),
        lambda: other.put(url, json={"description": "to"}),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    lost = next(a.json() for a in answers if a.status_code == 409)
    assert (lost["code"], lost["developerMessage"]) == (8000, "RevisionException")
    tx.api.control("DELETE", "faults")
    stored = tx.get(url).json()["value"]
    assert stored["version"] == 1
    assert (stored["phoneNumber"], stored["description"]) in {("1", ""), ("", "to")}


def test_parallel_order_line_posts_to_one_order_race(tx):
    """Parallel creation of order lines on one order has been reported to give "409
    RevisionException" (tripletex-api.md §4.3); use POST /order/orderline/list instead."""
    an_order = order(tx, lines=[])
    tx.api.control("POST", "faults", {"latency_ms": 300, "path_prefix": "/v2/order/orderline"})
    other = _session(tx.api, tx)
    body = {"order": {"id": an_order["id"]}, "count": 1, "unitPriceExcludingVatCurrency": 5}
    answers = _together(
        lambda: tx.post(tx.u("/v2/order/orderline"), json=body),
        lambda: other.post(tx.u("/v2/order/orderline"), json=body),
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    tx.api.control("DELETE", "faults")
    assert len(tx.get(tx.u(f"/v2/order/{an_order['id']}")).json()["value"]["orderLines"]) == 1


def test_simultaneous_writes_to_different_records_and_with_races_off_all_succeed(make_sandbox):
    """Only writes to the same record conflict; concurrent_write_conflicts=false turns the
    emulation off (then the global lock serialises everything, as before)."""
    for races in (True, False):
        api = make_sandbox(concurrent_write_conflicts=races)
        tx = api.login()
        one, two = customer(tx, name="En AS"), customer(tx, name="To AS")
        _slow_writes(api)
        other = _session(api, tx)
        apart = _together(
            lambda: tx.put(tx.u(f"/v2/customer/{one['id']}"), json={"phoneNumber": "1"}),
            lambda: other.put(tx.u(f"/v2/customer/{two['id']}"), json={"phoneNumber": "2"}),
        )
        assert [a.status_code for a in apart] == [200, 200]
        if not races:
            same = _together(
                lambda: tx.put(tx.u(f"/v2/customer/{one['id']}"), json={"phoneNumber": "3"}),
                lambda: other.put(tx.u(f"/v2/customer/{one['id']}"), json={"description": "x"}),
            )
            assert [a.status_code for a in same] == [200, 200]


def test_one_client_writing_in_turn_never_meets_a_race(tx):
    made = customer(tx)
    url = tx.u(f"/v2/customer/{made['id']}")
    assert [tx.put(url, json={"phoneNumber": str(n)}).status_code for n in range(5)] == [200] * 5


@pytest.mark.parametrize(
    ("code", "message"),
    [(8000, "RevisionException"), (10000, "Locked")],
)
def test_the_write_conflicts_fault_refuses_the_next_writes_without_writing(tx, code, message):
    """A fault for a 409 where the sandbox's lock makes a race impossible: 8000 (Revision
    Exception) or 10000 (Locked Exception), the spec's 409 codes. Nothing is written."""
    made = customer(tx, name="Låst AS")
    tx.api.control("POST", "faults", {"write_conflicts": 1, "conflict_code": code})
    url = tx.u(f"/v2/customer/{made['id']}")
    refused = tx.put(url, json={"phoneNumber": "1"})
    assert (refused.status_code, refused.json()["code"]) == (409, code)
    assert refused.json()["developerMessage"] == message
    assert tx.get(url).json()["value"]["version"] == 0  # reads are not affected
    assert tx.put(url, json={"phoneNumber": "1"}).json()["value"]["version"] == 1


def test_the_product_client_retries_a_locked_create_and_hears_a_revision_conflict(tx, sleeper):
    """The product's client sends a Locked 409 again (Tripletex refused without acting) and
    turns a RevisionException into "re-read and compare": retries exercised for real."""
    client = TripletexClient(
        tx.api.url("/v2"),
        CONSUMER,
        tx.api.token(tx.company),
        clock=sleeper,
        jitter=lambda: 1.0,
    )
    client.who_am_i()
    tx.api.control("POST", "faults", {"write_conflicts": 2, "conflict_code": 10000})
    assert client.create("/customer", {"name": "Til slutt AS"})["name"] == "Til slutt AS"
    assert tx.api.counts()["POST /v2/customer"] == 3 and len(sleeper.waits) == 2
    made = customer(tx, name="Revisjon AS")
    tx.api.control("POST", "faults", {"write_conflicts": 1, "conflict_code": 8000})
    with pytest.raises(Conflict) as info:
        client.update(f"/customer/{made['id']}", {"phoneNumber": "1"})
    assert info.value.code == 8000
