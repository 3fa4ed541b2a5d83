"""Two portals syncing at once, each into its own Tripletex company: neither reads or writes
the other's records, and neither receives a 429."""

from __future__ import annotations

import threading
from collections import Counter

import requests

from tests.sync.conftest import Synced, tripletex_company
from webapp.collaborators import Collaborators
from webapp.sync.runner import confirm_first_sync, run_backfill
from webapp.web.sandbox_connect import connect_sandbox_portal

OTHER = 4000002  # the HubSpot sandbox's empty portal
OTHER_TOKEN = "second-portal-employee-token"


def test_two_portals_sync_side_by_side_and_never_touch_each_others_records(synced):
    stack = synced.stack
    tripletex_company(stack, "Andre Portal AS", OTHER_TOKEN)
    generated = requests.post(
        f"{stack.hubspot_url}/_sandbox/portals/{OTHER}/generate",
        json={"seed": 7, "companies": 150, "contacts": 200, "products": 20},
        timeout=60,
    )
    assert generated.ok, generated.text
    assert connect_sandbox_portal(stack.app, OTHER, OTHER_TOKEN) == OTHER
    other = Synced(stack, OTHER)
    requests.delete(f"{stack.tripletex_url}/_sandbox/requests", timeout=10)
    requests.delete(f"{stack.hubspot_url}/_sandbox/requests", timeout=10)

    errors: list[BaseException] = []

    def backfill(portal_id: int) -> None:
        try:
            with Collaborators.opened(stack.app.config) as c:
                confirm_first_sync(c, portal_id)
                assert run_backfill(c, portal_id)["stage"] == "done"
        except BaseException as exc:  # reported below, with the thread's own traceback
            errors.append(exc)

    runs = [threading.Thread(target=backfill, args=(p,)) for p in (synced.portal_id, OTHER)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=300)
    assert not errors, errors

    # Each Tripletex company holds its own portal's companies, each exactly once.
    mine = Counter(c["name"] for c in synced.customers())
    theirs = Counter(c["name"] for c in other.customers())
    companies = other.companies().values()
    # Generated names repeat (as in a real CRM); a twin without a valid organisation number
    # could be either, so it waits for a person rather than becoming a second customer.
    waiting = Counter(p["name"] for p in companies if p.get("tripletex_sync_status") == "failed")
    assert all(
        p["tripletex_sync_error"].startswith(f"Company {p['name']} could be more than one")
        for p in companies
        if p.get("tripletex_sync_status") == "failed"
    )
    hubspot_names = Counter(p["name"] for p in companies)
    assert {n: theirs[n] for n in hubspot_names} == dict(hubspot_names - waiting)
    assert sum(waiting.values()) < 10
    assert not set(mine) & set(hubspot_names)
    # Each portal's links name only its own HubSpot records and its own Tripletex ids.
    for world, customers in ((synced, synced.customers()), (other, other.customers())):
        ids = {c["id"] for c in customers}
        rows = world.rows(
            "select hubspot_id, tripletex_id from mappings where portal_id = ? "
            "and hubspot_type = 'companies'",
            [world.portal_id],
        )
        assert {r["hubspot_id"] for r in rows} == set(world.companies())
        assert {r["tripletex_id"] for r in rows} - {None} <= ids  # failed ones have none
    log = requests.get(f"{stack.tripletex_url}/_sandbox/requests", timeout=10).json()["requests"]
    assert [r for r in log if r["status"] == 429] == []
    log = requests.get(f"{stack.hubspot_url}/_sandbox/requests", timeout=10).json()["requests"]
    assert [r for r in log if r["status"] == 429] == []
