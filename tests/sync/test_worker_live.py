"""The whole live path with a real worker: an edit in HubSpot reaches Tripletex by itself."""

from __future__ import annotations

import time

from tests.sync.test_live import company_id
from tests.worker_thread import worker


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
