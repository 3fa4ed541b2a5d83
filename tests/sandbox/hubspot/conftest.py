"""Fixtures: a live sandbox on a loopback port, a webhook receiver, and an installed app."""
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

CLIENT_ID, CLIENT_SECRET, APP_ID = "sandbox-client-id", "sandbox-client-secret", 1000001
REDIRECT = "http://127.0.0.1:5000/oauth/callback"
SCOPES = ["oauth", "crm.objects.companies.read", "crm.objects.companies.write",
          "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.deals.read",
          "crm.objects.deals.write", "e-commerce", "crm.schemas.companies.write"]
DEMO, EMPTY = 4000001, 4000002


class Receiver:
    """A tiny app standing in for the product's webhook endpoint."""

    def __init__(self):
        self.calls: list[dict] = []
        self.fail_next = 0
        self.cond = threading.Condition()
        self.app = Flask("receiver")
        self.app.add_url_rule("/hubspot/webhooks", view_func=self.hook, methods=["POST"])
        self.app.add_url_rule("/card", view_func=self.card, methods=["GET", "POST"])

    def hook(self):
        with self.cond:
            self.calls.append({"url": request.url, "headers": dict(request.headers),
                               "body": request.get_data(as_text=True),
                               "events": request.get_json()})
            failing = self.fail_next > 0
            self.fail_next -= 1 if failing else 0
            self.cond.notify_all()
        return ("nope", 503) if failing else ("", 204)

    def card(self):
        return {"url": request.url, "method": request.method, "args": request.args.to_dict(),
                "headers": dict(request.headers), "body": request.get_data(as_text=True)}

    def events(self) -> list[dict]:
        return [e for call in self.calls for e in call["events"]]

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


@pytest.fixture(scope="session")
def _live(_receiver):
    clock = Clock()
    app = create_app({"clock": clock, "required_scopes": ["oauth", "crm.objects.companies.read"],
                      "webhook_target_url": f"{_receiver.url}/hubspot/webhooks",
                      "webhook_batch_window": 0.05, "webhook_retry_delays": [0.02] * 9})
    with serving(app) as url:
        yield app, url


@pytest.fixture
def app(_live):
    return _live[0]


@pytest.fixture
def sb(app, _receiver):
    sandbox = app.extensions["hubspot_sandbox"]
    original = dict(sandbox.settings)
    sandbox.reset()
    sandbox.clock.reset()
    sandbox.webhooks.duplicate = sandbox.webhooks.reorder = False
    sandbox.rate_limit.limit = original["rate_limit_max"]
    seed_demo(sandbox)
    _receiver.calls.clear()
    _receiver.fail_next = 0
    yield sandbox
    sandbox.webhooks.wait_idle(2)
    sandbox.settings.clear()
    sandbox.settings.update(original)


@pytest.fixture
def receiver(_receiver, sb):
    return _receiver


@pytest.fixture
def clock(sb):
    return sb.clock


@pytest.fixture
def base(_live, sb):
    return _live[1]


def authorize(base: str, portal_id: int = DEMO, scopes=SCOPES, state: str = "xyz") -> str:
    """Click "Allow and install" on the consent form; return the code from the redirect."""
    reply = requests.post(f"{base}/oauth/authorize", data={
        "client_id": CLIENT_ID, "redirect_uri": REDIRECT, "scope": " ".join(scopes),
        "state": state, "portal_id": portal_id, "decision": "allow"}, allow_redirects=False)
    assert reply.status_code == 302, reply.text
    query = parse_qs(urlsplit(reply.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def exchange(base: str, code: str, path: str = "/oauth/2026-03/token") -> requests.Response:
    return requests.post(base + path, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})


def install(base: str, portal_id: int = DEMO, scopes=SCOPES) -> dict:
    """Install the app in a portal; return the token response."""
    reply = exchange(base, authorize(base, portal_id, scopes))
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.fixture
def token(base):
    return install(base)


@pytest.fixture
def hs(base, token):
    """A requests session authorised for the demo portal, rooted at the sandbox."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token['access_token']}"

    class Api:
        def __getattr__(self, method):
            return lambda path, **kw: session.request(method.upper(), base + path, **kw)
    return Api()
