"""How fast the Tripletex sandbox answers with 50,000 customers, so it is not what a benchmark of
the sync measures. Prints figures; asserts nothing.

    .venv/bin/python bench/tripletex_sandbox.py [--customers 50000] [--repeat 30]

It seeds the customers through the sandbox's seed module (over HTTP it would take 500 list
writes), then times reads, filtered lists and writes over real HTTP on loopback.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp.sandbox.tripletex import create_app, seed  # noqa: E402

CONSUMER = "sandbox-consumer-token"


def _serve(app):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _time(label: str, repeat: int, call) -> None:
    times, status = [], None
    for n in range(repeat):
        started = time.perf_counter()
        response = call(n)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"  {label:<62} {statistics.median(times):7.1f} ms median  {p95:7.1f} ms p95  "
        f"(HTTP {status})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    app = create_app({"rate_limit": 1_000_000})
    state = app.extensions["tripletex_sandbox"]
    with app.test_request_context(), state.lock:
        company = seed.create_company(state, name="Benk AS", bank_account_number="15031234566")
        started = time.perf_counter()
        ids = seed.add_customers(state, company["id"], args.customers)
        seeded = time.perf_counter() - started
    token = next(s for s in company["tokens"] if s.startswith("working-"))
    server, base = _serve(app)
    http = requests.Session()
    session = http.post(
        f"{base}/v2/token/session/:create",
        json={"consumerToken": CONSUMER, "employeeToken": token, "expirationDate": "2099-01-01"},
    ).json()["value"]["token"]
    http.auth = ("0", session)
    u = f"{base}/v2".__add__
    n = args.customers
    print(f"Tripletex sandbox, {n:,} customers seeded in {seeded:.2f} s; {args.repeat} calls each:")
    _time("GET /customer/{id}", args.repeat, lambda i: http.get(u(f"/customer/{ids[i * 997 % n]}")))
    _time(
        "GET /customer/{id}?fields=id,name,currency(*)",
        args.repeat,
        lambda i: http.get(
            u(f"/customer/{ids[i * 991 % n]}"), params={"fields": "id,name,currency(*)"}
        ),
    )
    _time(
        "GET /customer?organizationNumber= (one match)",
        args.repeat,
        lambda i: http.get(u("/customer"), params={"organizationNumber": 900_000_001 + i * 13}),
    )
    _time(
        "GET /customer?email=&isInactive=true",
        args.repeat,
        lambda i: http.get(
            u("/customer"), params={"email": f"kunde{i * 10}@example.no", "isInactive": "true"}
        ),
    )
    _time(
        "GET /customer?customerName=Kunde 0012 (100 matches, count 50)",
        args.repeat,
        lambda i: http.get(u("/customer"), params={"customerName": "Kunde 0012", "count": 50}),
    )
    _time(
        "GET /customer?id=<20 ids>&fields=id,version",
        args.repeat,
        lambda i: http.get(
            u("/customer"),
            params={
                "id": ",".join(str(ids[(i + k) * 37 % n]) for k in range(20)),
                "fields": "id,version",
            },
        ),
    )
    _time(
        "GET /customer (all active: over the 10,000 cap, 422)",
        args.repeat,
        lambda i: http.get(u("/customer"), params={"count": 100}),
    )
    _time(
        "PUT /customer/{id}",
        args.repeat,
        lambda i: http.put(u(f"/customer/{ids[i * 7 % n]}"), json={"phoneNumber": str(i)}),
    )
    _time(
        "POST /customer/list (100 customers)",
        max(3, args.repeat // 5),
        lambda i: http.post(
            u("/customer/list"), json=[{"name": f"Ny {i}-{k}"} for k in range(100)]
        ),
    )
    server.shutdown()


if __name__ == "__main__":
    main()
