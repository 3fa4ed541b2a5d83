"""Fixtures: a live sandbox on a loopback port, a stand-in for the app, and an installed app.

Every answer the sandbox gives in any test here is checked against HubSpot's specs
(`spec_guard`), so behaviour tests double as conformance tests.
"""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask, request

from tests.servers import serving
from webapp.sandbox.hubspot import create_app
from webapp.sandbox.hubspot.demo import seed_demo
from webapp.sandbox.hubspot.state import Clock

from .specbook import SpecBook

CLIENT_ID, CLIENT_SECRET, APP_ID = "sandbox-client-id", "sandbox-client-secret", 1000001
REDIRECT = "http://127.0.0.1:5000/oauth/callback"
SCOPES = [
    "oauth",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "e-commerce",
    "crm.schemas.companies.write",
    "crm.schemas.deals.write",
    "files",
]
DEMO, EMPTY = 4000001, 4000002


class Receiver:
    """A tiny app standing in for the product: a webhook endpoint and a card backend.

    `replies` lists the statuses to answer with next (then 204 / 200); clearing `release`
    holds every answer until the test sets it, so the sender's timeout runs out first.
    """

    def __init__(self):
        self.calls: list[dict] = []
        self.replies: list[int] = []
        self.release = threading.Event()
        self.release.set()
        self.cond = threading.Condition()
        self.app = Flask("receiver")
        self.app.add_url_rule("/hubspot/webhooks", view_func=self.hook, methods=["POST"])
        self.app.add_url_rule("/card", view_func=self.card, methods=["GET", "POST", "PATCH"])
        self.app.add_url_rule("/big", view_func=lambda: {"blob": "x" * (1024 * 1024)})

    def _arrive(self) -> int:
        with self.cond:
            # Werkzeug's request.url is an IRI (it decodes %C3%A5 to å); `wire_url` is the URL
            # exactly as sent, which is what HubSpot signs.
            wire = request.host_url.rstrip("/") + request.environ.get("RAW_URI", request.full_path)
            self.calls.append(
                {
                    "method": request.method,
                    "url": request.url,
                    "wire_url": wire,
                    "headers": dict(request.headers),
                    "body": request.get_data(as_text=True),
                    "path": request.path,
                    "events": request.get_json(silent=True),
                }
            )
            status = self.replies.pop(0) if self.replies else None
            self.cond.notify_all()
        self.release.wait(10)
        return status

    def hook(self):
        status = self._arrive()
        return ("nope", status) if status else ("", 204)

    def card(self):
        status = self._arrive()
        reply = {
            "url": request.url,
            "method": request.method,
            "args": request.args.to_dict(),
            "headers": dict(request.headers),
            "body": request.get_data(as_text=True),
        }
        return (reply, status) if status else reply

    def reset(self) -> None:
        self.release.set()
        with self.cond:
            self.calls.clear()
            self.replies.clear()

    def events(self) -> list[dict]:
        return [
            e for call in self.calls if call["path"] == "/hubspot/webhooks" for e in call["events"]
        ]

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: predicate(self), timeout)


# Servers live for the whole session (a werkzeug shutdown costs half a second); each test
# gets a freshly reset and re-seeded sandbox and an empty receiver instead.
@pytest.fixture(scope="session")
def _receiver():
    r = Receiver()
    with serving(r.app) as url:
        r.url = url
        yield r
        r.release.set()


@pytest.fixture(scope="session")
def _live(_receiver):
    clock = Clock()
    app = create_app(
        {
            "clock": clock,
            "required_scopes": ["oauth", "crm.objects.companies.read"],
            "webhook_target_url": f"{_receiver.url}/hubspot/webhooks",
            "webhook_batch_window": 0.05,
            "webhook_retry_delays": [0.02],
        }
    )
    with serving(app) as url:
        yield app, url


@pytest.fixture(scope="session")
def _book(_live):
    return SpecBook(_live[1])


@pytest.fixture(autouse=True)
def spec_guard(monkeypatch, _live, _book):
    """Check every answer the sandbox gives in a test against HubSpot's specs, after the test.

    Every HTTP client in the tests (requests, and the product's OAuth2Session) sends through
    requests.Session.send, so watching it sees them all. Requests a test sends wrong on
    purpose may break the spec only if the sandbox refuses them with a 4xx.
    """
    seen: list = []
    original = requests.Session.send

    def send(session, prepared, **kwargs):
        response = original(session, prepared, **kwargs)
        if prepared.url.startswith(_live[1]) and _book.specced(prepared.url):
            seen.append(response)
        return response

    monkeypatch.setattr(requests.Session, "send", send)
    yield seen
    problems = _book.problems(seen)
    assert not problems, "sandbox answers that break the specs:\n" + "\n".join(problems)


@pytest.fixture
def app(_live):
    return _live[0]


@pytest.fixture
def sb(app, _receiver):
    sandbox = app.extensions["hubspot_sandbox"]
    original = dict(sandbox.settings)
    _receiver.reset()
    sandbox.reset()
    sandbox.clock.reset()
    seed_demo(sandbox)
    yield sandbox
    _receiver.release.set()
    sandbox.webhooks.wait_idle(2)
    sandbox.settings.clear()
    sandbox.settings.update(original)
    sandbox.faults.sleep = __import__("time").sleep


@pytest.fixture
def receiver(_receiver, sb):
    return _receiver


@pytest.fixture
def clock(sb):
    return sb.clock


@pytest.fixture
def base(_live, sb):
    return _live[1]


def authorize(
    base: str, portal_id: int = DEMO, scopes=SCOPES, state: str = "xyz", optional=()
) -> str:
    """Click "Allow and install" on the consent form; return the code from the redirect."""
    form = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": " ".join(scopes),
        "state": state,
        "portal_id": portal_id,
        "decision": "allow",
    }
    if optional:
        form["optional_scope"] = " ".join(optional)
    reply = requests.post(f"{base}/oauth/authorize", data=form, allow_redirects=False)
    assert reply.status_code == 302, reply.text
    query = parse_qs(urlsplit(reply.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def exchange(
    base: str, code: str, path: str = "/oauth/2026-03/token", redirect: str = REDIRECT
) -> requests.Response:
    return requests.post(
        base + path,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )


def refresh(base: str, refresh_token: str) -> requests.Response:
    return requests.post(
        f"{base}/oauth/2026-03/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )


def install(base: str, portal_id: int = DEMO, scopes=SCOPES) -> dict:
    """Install the app in a portal; return the token response."""
    reply = exchange(base, authorize(base, portal_id, scopes))
    assert reply.status_code == 200, reply.text
    return reply.json()


def bearer(token: dict) -> dict:
    return {"Authorization": f"Bearer {token['access_token']}"}


@pytest.fixture
def token(base):
    return install(base)


@pytest.fixture
def hs(base, token):
    """A requests session authorised for the demo portal, rooted at the sandbox."""
    session = requests.Session()
    session.headers.update(bearer(token))

    class Api:
        def __getattr__(self, method):
            return lambda path, **kw: session.request(method.upper(), base + path, **kw)

    return Api()
