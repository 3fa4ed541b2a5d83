"""How fast the HubSpot sandbox builds and answers a big portal (10,000 companies, 20,000
contacts), so it is not what a benchmark of the sync measures. Prints figures; asserts nothing.

    .venv/bin/python bench/hubspot_sandbox.py [--companies 10000] [--contacts 20000]
        [--products 500] [--deals 5000] [--repeat 30]

Everything goes over real HTTP on loopback: the control API generates the world
(`POST /_sandbox/portals/{id}/generate`), the app is installed through OAuth, and the CRM API
is timed at that size with the rate limits lifted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from processes import serve, timed  # noqa: E402  bench/, the script's own folder

from webapp.sandbox.hubspot import create_app  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "sandbox-client-id", "sandbox-client-secret"
REDIRECT = "http://127.0.0.1:5000/oauth/callback"
SCOPES = (
    "oauth crm.objects.companies.read crm.objects.companies.write crm.objects.contacts.read "
    "crm.objects.contacts.write crm.objects.deals.read crm.objects.deals.write e-commerce"
)
CRM = "/crm/objects/2026-03"


def _install(base: str, portal_id: int) -> str:
    """Click "Allow" on HubSpot's consent form and exchange the code; the access token."""
    form = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": SCOPES,
        "state": "bench",
        "portal_id": portal_id,
        "decision": "allow",
    }
    reply = requests.post(f"{base}/oauth/authorize", data=form, allow_redirects=False)
    code = parse_qs(urlsplit(reply.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{base}/oauth/2026-03/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    return token.json()["access_token"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--deals", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    server, base = serve(create_app({"demo": False, "search_lag_seconds": 0}))
    http = requests.Session()
    portal = http.post(f"{base}/_sandbox/portals", json={"name": "Benk AS"}).json()["id"]
    sizes = {k: getattr(args, k) for k in ("companies", "contacts", "products", "deals")}
    started = time.perf_counter()
    generated = http.post(f"{base}/_sandbox/portals/{portal}/generate", json=sizes)
    seconds = time.perf_counter() - started
    made = generated.json()["created"]
    print(
        f"HubSpot sandbox: generated {', '.join(f'{v:,} {k}' for k, v in made.items())} "
        f"in {seconds:.1f} s (HTTP {generated.status_code})"
    )
    http.post(
        f"{base}/_sandbox/limits",
        json={"rateLimitMax": 1_000_000, "searchPerSecond": 1_000_000},
    )
    http.headers["Authorization"] = f"Bearer {_install(base, portal)}"
    objects = http.get(f"{base}/_sandbox/portals/{portal}/objects/companies").json()["results"]
    companies = [o["id"] for o in objects]
    contacts = [
        o["id"]
        for o in http.get(f"{base}/_sandbox/portals/{portal}/objects/contacts").json()["results"]
    ]
    n, m = len(companies), len(contacts)
    u = base.__add__
    print(f"{args.repeat} calls each:")
    timed(
        "GET companies/{id}",
        args.repeat,
        lambda i: http.get(u(f"{CRM}/companies/{companies[i * 997 % n]}")),
    )
    timed(
        "GET contacts/{id}?associations=companies",
        args.repeat,
        lambda i: http.get(
            u(f"{CRM}/contacts/{contacts[i * 991 % m]}"), params={"associations": "companies"}
        ),
    )
    timed(
        "GET companies?limit=100&after= (a page deep in the list)",
        args.repeat,
        lambda i: http.get(
            u(f"{CRM}/companies"), params={"limit": 100, "after": companies[n // 2 + i]}
        ),
    )
    timed(
        "POST contacts/batch/read (100 ids)",
        args.repeat,
        lambda i: http.post(
            u(f"{CRM}/contacts/batch/read"),
            json={"inputs": [{"id": contacts[(i * 100 + k) % m]} for k in range(100)]},
        ),
    )
    timed(
        "POST contacts/search (email EQ, one match)",
        args.repeat,
        lambda i: http.post(
            u(f"{CRM}/contacts/search"),
            json={
                "filterGroups": [
                    {"filters": [{"propertyName": "email", "operator": "EQ", "value": f"x{i}"}]}
                ]
            },
        ),
    )
    timed(
        "POST contacts (e-mail checked against every contact)",
        args.repeat,
        lambda i: http.post(
            u(f"{CRM}/contacts"),
            json={"properties": {"email": f"ny.kontakt.{i}@benk.no", "firstname": "Ny"}},
        ),
    )
    timed(
        "PATCH companies/{id}",
        args.repeat,
        lambda i: http.patch(
            u(f"{CRM}/companies/{companies[i * 7 % n]}"), json={"properties": {"phone": str(i)}}
        ),
    )
    server.shutdown()


if __name__ == "__main__":
    main()
