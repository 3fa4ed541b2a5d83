"""HubSpot's webhooks into the app served as in production, and an edit's way to Tripletex.

    .venv/bin/python bench/webhooks.py [--rate 500] [--seconds 20] [--edits 30]

1. Ingestion: the app runs under gunicorn (`gunicorn -c gunicorn.conf.py wsgi:app`) and
   receives signed deliveries of 100 events, as HubSpot sends them, from 10 senders at once
   (HubSpot's default `maxConcurrentRequests`), paced to `--rate` events a second. Prints the
   events stored a second and the acknowledgement's median and p99.
2. Edit to Tripletex: both sandboxes, the app under gunicorn and the worker run as processes;
   the demo portal is installed, connected and backfilled; then a company is edited through
   the HubSpot sandbox's control API (as a user would) `--edits` times, and each edit is timed
   until Tripletex has it. Prints the median and p95. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from processes import PORTAL, flask, percentile, start_stack  # bench/, the script's own folder

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp.clients.hubspot_signature import sign_v3  # noqa: E402
from webapp.config import SANDBOX_HUBSPOT_APP_ID, SANDBOX_HUBSPOT_CLIENT_SECRET  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


def ingestion(app_url: str, rate: int, seconds: int) -> None:
    url = f"{app_url}/hubspot/webhooks"
    per_request = 100
    requests_per_second = rate / per_request
    total = int(requests_per_second * seconds)
    latencies: list[float] = []
    stored = 0
    lock = threading.Lock()
    started = time.perf_counter()

    def deliver(n: int) -> None:
        nonlocal stored
        # Wait for this delivery's slot, so the rate is what HubSpot would send.
        time.sleep(max(0.0, started + n / requests_per_second - time.perf_counter()))
        now_ms = int(time.time() * 1000)
        events = [
            {
                "eventId": n * per_request + i,
                "subscriptionId": 500_001,
                "portalId": PORTAL,
                "appId": int(SANDBOX_HUBSPOT_APP_ID),
                "occurredAt": now_ms + i,  # distinct changes: none is a repeat
                "subscriptionType": "object.propertyChange",
                "attemptNumber": 0,
                "objectId": 10_000_000 + (n * per_request + i) % 5000,
                "objectTypeId": "0-2",
                "propertyName": "phone",
                "propertyValue": "+47 22 00 00 00",
                "changeSource": "CRM_UI",
                "sourceId": "userId:7000001",
            }
            for i in range(per_request)
        ]
        body = json.dumps(events)
        timestamp = int(time.time() * 1000)
        headers = {
            "Content-Type": "application/json",
            "X-HubSpot-Request-Timestamp": str(timestamp),
            "X-HubSpot-Signature-v3": sign_v3(
                SANDBOX_HUBSPOT_CLIENT_SECRET, "POST", url, body, timestamp
            ),
        }
        sent = time.perf_counter()
        answer = requests.post(url, data=body, headers=headers, timeout=10)
        took = (time.perf_counter() - sent) * 1000
        with lock:
            latencies.append(took)
            if answer.ok:
                stored += answer.json().get("stored", 0)

    with ThreadPoolExecutor(max_workers=10) as pool:  # HubSpot's maxConcurrentRequests
        list(pool.map(deliver, range(total)))
    elapsed = time.perf_counter() - started
    print(f"\nIngestion under gunicorn, {total} deliveries of {per_request} events:")
    print(f"  {stored / elapsed:,.0f} events stored a second ({stored:,} in {elapsed:.1f} s)")
    print(
        f"  acknowledgement: median {statistics.median(latencies):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
    )


def watcher(tripletex: str) -> str:
    """A token of its own for watching Tripletex: Tripletex's budget is per employee token, and
    the watching must not spend the sync's."""
    companies = requests.get(f"{tripletex}/_sandbox/companies", timeout=10).json()
    demo = next(c for c in companies["companies"] if c["name"] == "Nordvik Demo AS")
    made = requests.post(
        f"{tripletex}/_sandbox/companies/{demo['id']}/tokens",
        json={"label": "watcher", "token": "bench-watcher-token"},
        timeout=10,
    )
    made.raise_for_status()
    return "bench-watcher-token"


def edits(env: dict, hubspot: str, tripletex: str, count: int) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env=env, **QUIET
    )
    try:
        flask(env, "sandbox", "connect", "--portal", str(PORTAL))
        flask(env, "sync", "backfill", str(PORTAL))
        time.sleep(3)  # the backfill's own write-backs come back as events; let them pass
        companies = requests.get(
            f"{hubspot}/_sandbox/portals/{PORTAL}/objects/companies", timeout=30
        ).json()["results"]
        target = next(c for c in companies if c["properties"].get("tripletex_customer_id"))
        customer_id = int(target["properties"]["tripletex_customer_id"])
        from webapp.app import create_app
        from webapp.collaborators import Collaborators

        os.environ.update(env)  # this process reads the stack's database and sandboxes
        app = create_app()
        delays = []
        with Collaborators.opened(app.config) as c:
            company_id = c.tripletex(PORTAL).company_id
            client = c.tripletex_for_token(watcher(tripletex), company_id)
            for n in range(count):
                phone = f"+47 90 00 {n:02d} {n:02d}"
                started = time.perf_counter()
                requests.patch(
                    f"{hubspot}/_sandbox/portals/{PORTAL}/objects/companies/{target['id']}",
                    json={"properties": {"phone": phone}},
                    timeout=10,
                ).raise_for_status()
                while (
                    client.get(f"/customer/{customer_id}", fields="phoneNumber")["phoneNumber"]
                    != phone
                ):
                    if time.perf_counter() - started > 30:
                        raise SystemExit(f"edit {n} never reached Tripletex")
                    time.sleep(0.12)  # within the watcher token's own 10 calls a second
                delays.append(time.perf_counter() - started)
        print(f"\nEdit in HubSpot to Tripletex, {count} edits (worker and app as processes):")
        print(
            f"  median {statistics.median(delays):.2f} s, p95 {percentile(delays, 0.95):.2f} s, "
            f"max {max(delays):.2f} s"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=500, help="events a second")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    for part in ("ingestion", "edits"):  # each on a stack of its own, from empty
        folder = Path(tempfile.mkdtemp(prefix=f"txsync-bench-{part}-"))
        procs, env, app_url, hubspot, tripletex = start_stack(folder)
        try:
            if part == "ingestion":
                flask(env, "sandbox", "connect", "--portal", str(PORTAL))  # installed
                ingestion(app_url, args.rate, args.seconds)
            else:
                edits(env, hubspot, tripletex, args.edits)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
