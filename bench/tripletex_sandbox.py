"""How fast the Tripletex sandbox answers with 50,000 customers, so it is not what a benchmark of
the sync measures. Prints figures; asserts nothing.

    .venv/bin/python bench/tripletex_sandbox.py [--customers 50000] [--repeat 30]

It seeds the customers through the sandbox's seed module (over HTTP it would take 500 list
writes), then times reads, filtered lists and writes over real HTTP on loopback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from processes import serve, timed  # noqa: E402  bench/, the script's own folder

from webapp.sandbox.tripletex import create_app, seed  # noqa: E402

CONSUMER = "sandbox-consumer-token"


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
    server, base = serve(app)
    http = requests.Session()
    session = http.post(
        f"{base}/v2/token/session/:create",
        json={"consumerToken": CONSUMER, "employeeToken": token, "expirationDate": "2099-01-01"},
    ).json()["value"]["token"]
    http.auth = ("0", session)
    u = f"{base}/v2".__add__
    n = args.customers
    print(f"Tripletex sandbox, {n:,} customers seeded in {seeded:.2f} s; {args.repeat} calls each:")
    timed("GET /customer/{id}", args.repeat, lambda i: http.get(u(f"/customer/{ids[i * 997 % n]}")))
    timed(
        "GET /customer/{id}?fields=id,name,currency(*)",
        args.repeat,
        lambda i: http.get(
            u(f"/customer/{ids[i * 991 % n]}"), params={"fields": "id,name,currency(*)"}
        ),
    )
    timed(
        "GET /customer?organizationNumber= (one match)",
        args.repeat,
        lambda i: http.get(u("/customer"), params={"organizationNumber": 900_000_001 + i * 13}),
    )
    timed(
        "GET /customer?email=&isInactive=true",
        args.repeat,
        lambda i: http.get(
            u("/customer"), params={"email": f"kunde{i * 10}@example.no", "isInactive": "true"}
        ),
    )
    timed(
        "GET /customer?customerName=Kunde 0012 (100 matches, count 50)",
        args.repeat,
        lambda i: http.get(u("/customer"), params={"customerName": "Kunde 0012", "count": 50}),
    )
    timed(
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
    timed(
        "GET /customer (all active: over the 10,000 cap, 422)",
        args.repeat,
        lambda i: http.get(u("/customer"), params={"count": 100}),
    )
    timed(
        "PUT /customer/{id}",
        args.repeat,
        lambda i: http.put(u(f"/customer/{ids[i * 7 % n]}"), json={"phoneNumber": str(i)}),
    )
    timed(
        "POST /customer/list (100 customers)",
        max(3, args.repeat // 5),
        lambda i: http.post(
            u("/customer/list"), json=[{"name": f"Ny {i}-{k}"} for k in range(100)]
        ),
    )
    server.shutdown()


if __name__ == "__main__":
    main()
