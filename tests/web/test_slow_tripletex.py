"""A person waits on connecting and on the connection check: a slow Tripletex is bounded.

The Tripletex sandbox answers every call after a delay, as a struggling Tripletex does. The
independent calls of the check run at once, and one deadline covers the whole page, so the
page either finishes or explains itself, and never leaves half a connection behind.
"""

import json

import requests

from tests.journey import connect_tripletex, install, post_step, text_of
from tests.servers import InFlight

SLOW = {"latency_ms": 3000}  # every Tripletex call answers after three seconds


def slow_down(stack, **faults) -> None:
    requests.post(
        stack.tripletex_url + "/_sandbox/faults", json=dict(SLOW, **faults)
    ).raise_for_status()


def tripletex_rows(db) -> list:
    return db.execute("select kind from credentials where kind like 'tripletex%'").fetchall()


def connection_settings(db) -> list:
    return db.execute(
        "select key from settings where key in ('tripletex_connection', "
        "'connection_check') order by key"
    ).fetchall()


def test_connecting_to_a_slow_tripletex_completes_within_the_deadline(stack, browser, db):
    install(stack, browser)
    slow_down(stack)

    page = connect_tripletex(stack, browser, "demo-employee-token")

    assert page.status_code == 200 and page.url.endswith("/setup/check"), text_of(page.text)
    assert "Everything the sync needs is in place" in text_of(page.text)
    assert sorted(tripletex_rows(db)) == [("tripletex_employee",), ("tripletex_session",)]
    assert connection_settings(db) == [("connection_check",), ("tripletex_connection",)]


def test_the_check_calls_tripletex_at_once_not_one_after_another(stack, browser):
    install(stack, browser)
    slow_down(stack)
    counter = stack.tripletex.wsgi_app = InFlight(stack.tripletex.wsgi_app)

    connect_tripletex(stack, browser, "demo-employee-token")

    # A session, then who-am-I beside the company list, then all nine checks side by side.
    assert counter.most == 9


def test_a_tripletex_slower_than_the_deadline_is_explained_and_nothing_is_stored(
    make_stack, db_for
):
    stack = make_stack(app_config={"HTTP_INTERACTIVE_DEADLINE": 4.0})
    browser, _ = install(stack)
    db = db_for(stack)
    slow_down(stack)

    page = connect_tripletex(stack, browser, "demo-employee-token")

    assert page.status_code == 504
    text = text_of(page.text)
    assert "Tripletex is answering too slowly" in text
    assert "We stopped waiting after 4 seconds, and nothing was saved" in text
    assert tripletex_rows(db) == [] and connection_settings(db) == []
    # The person's session survived: the same step answers at once and can be tried again.
    requests.delete(stack.tripletex_url + "/_sandbox/faults").raise_for_status()
    again = connect_tripletex(stack, browser, "demo-employee-token")
    assert again.url.endswith("/setup/check")
    assert len(tripletex_rows(db)) == 2


def test_a_check_cut_short_by_the_deadline_says_so_for_each_item(make_stack, db_for):
    stack = make_stack(app_config={"HTTP_INTERACTIVE_DEADLINE": 2.0})
    browser, _ = install(stack)
    connect_tripletex(stack, browser, "demo-employee-token")
    slow_down(stack)

    step = browser.get(stack.app_url + "/setup/check")
    page = post_step(stack, browser, "/setup/check", {}, step)

    assert page.status_code == 200
    text = text_of(page.text)
    assert "Tripletex is answering too slowly" in text
    assert "Everything the sync needs is in place" not in text
    check = json.loads(
        db_for(stack)
        .execute("select value from settings where key = 'connection_check'")
        .fetchone()[0]
    )
    assert check["ok"] is False
    assert {item["problem"]["kind"] for item in check["items"]} == {"too_slow"}
