"""Won deals to Tripletex invoices, against both sandboxes at their default rate limits.

    .venv/bin/python bench/deal_invoices.py [--deals 2000] [--at-rest 50] [--burst 200]

Both sandboxes, the app under gunicorn and the worker run as processes of their own. The empty
HubSpot portal is filled by its generator (companies, contacts, products, and deals with 1 to 5
line items), the app is installed, connected to the demo Tripletex company, on the unlimited
plan, and backfilled. Then open deals are moved to the won stage through the HubSpot
sandbox's control API, as a person does, and each is timed from that change until Tripletex
has its invoice (the `:invoice` call in the Tripletex sandbox's request log):

1. at rest: `--at-rest` deals, one at a time, a second apart, each after the one before is
   invoiced;
2. a burst: `--burst` deals won at once;
3. the rest of `--deals`, won at once.

Prints API calls per invoice on each side and the 429s received, over all three; the wall time
of the last part against the lower bound the rate limits set; and the latency's median and
p95 at rest and in the burst. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import requests
from processes import flask, percentile, start_stack, stop  # bench/, the script's own folder

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PORTAL = 4000002  # the HubSpot sandbox's empty portal
HUBSPOT_RATE = 110 / 10.0  # the sandboxes' defaults: calls a second
TRIPLETEX_RATE = 100 / 10.0
REST = 1.0  # seconds between deals won at rest: a busy sales team, not a script


def generate(hubspot: str, deals: int) -> list[str]:
    """Fill the empty portal; return its open deals (8 in 20 of those generated are open)."""
    made = requests.post(
        f"{hubspot}/_sandbox/portals/{PORTAL}/generate",
        json={
            "seed": 2026,
            "companies": max(500, deals // 2),
            "contacts": max(500, deals // 2),
            "products": 300,
            "deals": deals * 20 // 8 + 20,
            "linesPerDeal": 5,
        },
        timeout=900,
    )
    made.raise_for_status()
    listed = requests.get(f"{hubspot}/_sandbox/portals/{PORTAL}/objects/deals", timeout=300)
    listed.raise_for_status()
    return sorted(
        (
            r["id"]
            for r in listed.json()["results"]
            if r["properties"].get("dealstage") not in ("closedwon", "closedlost")
        ),
        key=int,
    )


def win(hubspot: str, deal_id: str) -> float:
    """Move a deal to won as a person does; the moment it was moved (epoch seconds)."""
    moved = time.time()
    requests.patch(
        f"{hubspot}/_sandbox/portals/{PORTAL}/objects/deals/{deal_id}",
        json={"properties": {"dealstage": "closedwon"}},
        timeout=30,
    ).raise_for_status()
    return moved


def invoiced_at(tripletex: str) -> dict[int, float]:
    """Each order's `:invoice` call that succeeded, by order id: when it was answered."""
    log = requests.get(f"{tripletex}/_sandbox/requests", timeout=120).json()["requests"]
    found = {}
    for entry in log:
        if entry["endpoint"] == "PUT /v2/order/{order_id}/:invoice" and entry["status"] == 200:
            order_id = int(entry["path"].split("/")[3])
            found.setdefault(order_id, datetime.fromisoformat(entry["at"]).timestamp())
    return found


def orders_of_deals(app) -> tuple[dict[int, str], set[str]]:
    """The deals' orders (order id -> deal id), and the deals held (the generated world's
    repeated company names leave a few companies for a person to choose)."""
    from webapp.collaborators import Collaborators

    with Collaborators.opened(app.config) as c:
        rows = list(
            c.db.query(
                "select hubspot_id, tripletex_id, state from mappings where portal_id = ? and "
                "hubspot_type = 'deals' and tripletex_kind = 'order'",
                [PORTAL],
            )
        )
    return (
        {r["tripletex_id"]: r["hubspot_id"] for r in rows if r["state"] == "linked"},
        {r["hubspot_id"] for r in rows if r["state"] == "failed"},
    )


HELD: set[str] = set()


def wait_invoiced(app, tripletex: str, deals: set[str], timeout: float) -> dict[str, float]:
    """Wait until every deal's order is invoiced or the deal is held; when each was invoiced,
    by deal id."""
    deadline = time.time() + timeout
    while True:
        orders, held = orders_of_deals(app)
        at = invoiced_at(tripletex)
        done = {orders[o]: t for o, t in at.items() if orders.get(o) in deals}
        if len(done) + len(deals & held) >= len(deals) or time.time() > deadline:
            HELD.update(deals & held)
            return done
        time.sleep(0.25)


def latencies(moved: dict[str, float], done: dict[str, float]) -> list[float]:
    return [done[d] - moved[d] for d in moved if d in done]


def shown(label: str, values: list[float], wanted: int) -> None:
    print(
        f"  {label:<28} median {statistics.median(values):5.2f} s  p95 "
        f"{percentile(values, 0.95):5.2f} s  max {max(values):5.2f} s  ({len(values)} of {wanted})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=2000)
    parser.add_argument("--at-rest", type=int, default=50)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="txsync-bench-deals-"))
    procs, env, app_url, hubspot, tripletex = start_stack(folder, worker=True)
    try:
        started = time.perf_counter()
        open_deals = generate(hubspot, args.deals)[: args.deals]
        print(
            f"Generated the portal ({len(open_deals)} open deals to win) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        flask(env, "sandbox", "connect", "--portal", str(PORTAL))
        os.environ.update(env)  # this process reads the stack's database
        from webapp.app import create_app
        from webapp.collaborators import Collaborators

        app = create_app()
        with Collaborators.opened(app.config) as c:
            c.installations.set_plan(PORTAL, "pro")  # no monthly limit
        started = time.perf_counter()
        flask(env, "sync", "backfill", str(PORTAL))
        print(f"Backfilled in {time.perf_counter() - started:.1f} s")
        # The backfill spent HubSpot's rolling 10-second budget; a portal at rest has its own.
        time.sleep(12)
        requests.delete(f"{hubspot}/_sandbox/requests", timeout=30)
        requests.delete(f"{tripletex}/_sandbox/requests", timeout=30)

        rest = open_deals[: args.at_rest]
        burst = open_deals[args.at_rest : args.at_rest + args.burst]
        bulk = open_deals[args.at_rest + args.burst :]
        at_rest: list[float] = []
        for deal_id in rest:
            moved = {deal_id: win(hubspot, deal_id)}
            at_rest += latencies(moved, wait_invoiced(app, tripletex, set(moved), 60))
            time.sleep(max(0.0, moved[deal_id] + REST - time.time()))
        with ThreadPoolExecutor(max_workers=20) as pool:
            moved = dict(zip(burst, pool.map(lambda d: win(hubspot, d), burst)))
        in_burst = latencies(moved, wait_invoiced(app, tripletex, set(burst), 600))

        hubspot_before = len(
            requests.get(f"{hubspot}/_sandbox/requests", timeout=60).json()["requests"]
        )
        tripletex_before = len(
            requests.get(f"{tripletex}/_sandbox/requests", timeout=60).json()["requests"]
        )
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=20) as pool:
            list(pool.map(lambda d: win(hubspot, d), bulk))
        done = wait_invoiced(app, tripletex, set(bulk), 3600)
        wall = time.perf_counter() - started

        hubspot_log = requests.get(f"{hubspot}/_sandbox/requests", timeout=120).json()["requests"]
        tripletex_log = requests.get(f"{tripletex}/_sandbox/requests", timeout=120).json()[
            "requests"
        ]
        invoices = len(invoiced_at(tripletex))
        print(
            f"\n{invoices:,} invoices from {len(open_deals):,} deals won "
            f"({len(rest)} at rest, {len(burst)} at once, then {len(bulk)} at once; "
            f"{len(HELD)} held, their company for a person to choose):"
        )
        for name, log in (("HubSpot", hubspot_log), ("Tripletex", tripletex_log)):
            throttled = sum(1 for entry in log if entry.get("status") == 429)
            print(
                f"  {name:<10} {len(log):6,} calls  {len(log) / max(invoices, 1):5.2f} calls "
                f"per invoice  {throttled} × 429"
            )
        bulk_hubspot = len(hubspot_log) - hubspot_before
        bulk_tripletex = len(tripletex_log) - tripletex_before
        bound = max(bulk_hubspot / HUBSPOT_RATE, bulk_tripletex / TRIPLETEX_RATE)
        print(
            f"  The last {len(bulk):,} ({len(done):,} invoiced): wall time {wall:.1f} s; lower "
            f"bound from the rate limits {bound:.1f} s ({wall / bound if bound else 0:.2f} ×)"
        )
        print("Latency from the stage change to the invoice in Tripletex:")
        shown("at rest, a second apart", at_rest, len(rest))
        shown(f"a burst of {len(burst)} at once", in_burst, len(burst))
    finally:
        stop(procs)


if __name__ == "__main__":
    main()
