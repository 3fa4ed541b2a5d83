"""The whole live path with a real worker: an edit in HubSpot reaches Tripletex by itself."""

from __future__ import annotations

import signal
import time
from contextlib import contextmanager

from tests.sync.test_live import company_id


@contextmanager
def worker(app, threads: int = 2):
    """The app's Huey consumer on threads of this process, as `flask --app wsgi worker` runs it
    (its signal handlers are put back afterwards)."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = app.extensions["huey"].create_consumer(
        workers=threads, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2
    )
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)


def wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return None


def test_an_edit_in_hubspot_reaches_tripletex_through_the_worker_within_seconds(synced):
    synced.backfill()
    target = company_id(synced, "Solsiden Kafé AS")
    with worker(synced.stack.app):
        synced.hubspot_control(
            "PATCH", f"objects/companies/{target}", {"properties": {"phone": "+47 73 00 00 01"}}
        )
        made = synced.hubspot_control(
            "POST", "objects/companies", {"properties": {"name": "Ny Kafé AS", "city": "Oslo"}}
        )

        edited = wait_for(
            lambda: next(
                (
                    c
                    for c in synced.customers()
                    if c["name"] == "Solsiden Kafé AS" and c["phoneNumber"] == "+47 73 00 00 01"
                ),
                None,
            )
        )
        created = wait_for(
            lambda: synced.companies()[made["id"]].get("tripletex_customer_number") or None
        )

    assert edited is not None, "the edit never reached Tripletex"
    assert created == str(
        next(c for c in synced.customers() if c["name"] == "Ny Kafé AS")["customerNumber"]
    )
    assert {r["state"] for r in synced.rows("select state from sync_inbox")} == {"done"}
