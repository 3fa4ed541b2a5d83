"""The first sync of a big portal, against both sandboxes with their default rate limits.

    .venv/bin/python bench/sync_backfill.py [--companies 10000] [--contacts 20000]
        [--products 500]

Both simulators run as processes of their own (so they are not what is measured), the HubSpot
one's empty portal is filled by its generator, a Tripletex company of its own is made, and the
app installs and connects through the real OAuth and token flows (`flask sandbox connect`).
Then `flask sync backfill` runs as the operator would run it, in a process of its own. Prints,
per service: API calls, records per call, 429s received; the wall time against the lower bound
the rate limits set (the larger of each service's calls divided by its allowed rate); and the
backfill's peak memory. Asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from processes import environment, free_port, wait_up  # bench/, the script's own folder

ROOT = Path(__file__).resolve().parents[1]
PORTAL = 4000002  # the HubSpot sandbox's empty portal
TOKEN = "bench-employee-token"
# The sandboxes' defaults (webapp/sandbox/*/settings): requests per window, window seconds.
HUBSPOT_RATE = 110 / 10.0
TRIPLETEX_RATE = 100 / 10.0


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--products", type=int, default=500)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="txsync-bench-"))
    hubspot_port, tripletex_port, app_port = free_port(), free_port(), free_port()
    hubspot, tripletex = f"http://127.0.0.1:{hubspot_port}", f"http://127.0.0.1:{tripletex_port}"
    app_url = f"http://127.0.0.1:{app_port}"  # nothing listens: no webhook is acted on here
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    sims = [
        subprocess.Popen(
            [sys.executable, "-m", "webapp.sandbox.hubspot", "--demo", "--port",
             str(hubspot_port), "--app-target", app_url],
            cwd=ROOT, **quiet,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "webapp.sandbox.tripletex", "--demo", "--port",
             str(tripletex_port)],
            cwd=ROOT, **quiet,
        ),
    ]  # fmt: skip
    try:
        wait_up(f"{hubspot}/_sandbox/portals")
        wait_up(f"{tripletex}/_sandbox/companies")
        started = time.perf_counter()
        made = requests.post(
            f"{hubspot}/_sandbox/portals/{PORTAL}/generate",
            json={
                "seed": 2026,
                "companies": args.companies,
                "contacts": args.contacts,
                "products": args.products,
            },
            timeout=600,
        )
        made.raise_for_status()
        print(f"Generated {made.json()} in {time.perf_counter() - started:.1f} s")
        requests.post(
            f"{tripletex}/_sandbox/companies",
            json={"name": "Benk AS", "tokens": {"working": TOKEN}},
            timeout=30,
        ).raise_for_status()

        env = environment(folder, app_url, hubspot, tripletex)
        connected = flask(env, "sandbox", "connect", "--portal", str(PORTAL))
        if connected.returncode != 0:
            raise SystemExit(connected.stderr or connected.stdout)
        # The connect's own calls are not the backfill's.
        requests.delete(f"{hubspot}/_sandbox/requests", timeout=10)
        requests.delete(f"{tripletex}/_sandbox/requests", timeout=10)

        started = time.perf_counter()
        run = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "sync", "backfill", str(PORTAL)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        last = ""
        for line in run.stdout:
            last = line.strip() or last
        run.wait()
        wall = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if run.returncode != 0:
            raise SystemExit(f"the backfill failed: {last}")

        hubspot_log = requests.get(f"{hubspot}/_sandbox/requests", timeout=60).json()["requests"]
        tripletex_log = requests.get(f"{tripletex}/_sandbox/requests", timeout=60).json()[
            "requests"
        ]
        records = args.companies + args.contacts + args.products
        bound = max(len(hubspot_log) / HUBSPOT_RATE, len(tripletex_log) / TRIPLETEX_RATE)
        print(f"\nBackfill of {records:,} records: {last}")
        for name, log in (("HubSpot", hubspot_log), ("Tripletex", tripletex_log)):
            throttled = sum(1 for entry in log if entry.get("status") == 429)
            print(
                f"  {name:<10} {len(log):6,} calls  {records / max(len(log), 1):6.1f} records "
                f"per call  {throttled} × 429"
            )
        print(
            f"  Wall time {wall:.1f} s; lower bound from the rate limits {bound:.1f} s "
            f"({wall / bound if bound else 0:.2f} ×)"
        )
        print(f"  Peak memory of the backfill (and the connect before it): {peak_mb:.0f} MB")
    finally:
        for sim in sims:
            sim.terminate()
        for sim in sims:
            sim.wait(timeout=30)


if __name__ == "__main__":
    main()
