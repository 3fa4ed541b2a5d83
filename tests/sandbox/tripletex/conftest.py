"""A live Tripletex sandbox per test, with a fixed clock and fast webhook retries."""
import base64
from datetime import datetime, timezone

import pytest
import requests

from tests.servers import serving
from webapp.sandbox.tripletex import create_app

CONSUMER = "sandbox-consumer-token"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)


class Api:
    """Plain `requests` calls against one sandbox, with helpers for sessions and companies."""

    def __init__(self, base: str, app):
        self.base = base
        self.app = app
        self.state = app.extensions["tripletex_sandbox"]
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def company(self, **body) -> dict:
        response = self.http.post(self.url("/_sandbox/companies"), json=body)
        assert response.status_code == 201, response.text
        return response.json()

    @staticmethod
    def token(company: dict, label: str = "working") -> str:
        return next(t["token"] for t in company["tokens"] if t["label"] == label)

    def session(self, employee_token: str, expiration: str = "2026-11-26") -> str:
        response = self.http.post(self.url("/v2/token/session/:create"), json={
            "consumerToken": CONSUMER, "employeeToken": employee_token,
            "expirationDate": expiration})
        assert response.status_code == 201, response.text
        return response.json()["value"]["token"]

    def login(self, company: dict | None = None, label: str = "working", user: str = "0"):
        """Return a requests.Session authenticated as the company's token."""
        company = company or self.company()
        session = requests.Session()
        session.auth = (user, self.session(self.token(company, label)))
        return session


def basic(user, token) -> str:
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


@pytest.fixture
def make_sandbox():
    """Start sandboxes with extra settings; all are stopped after the test."""
    stack = []

    def start(**settings):
        settings.setdefault("now", lambda: NOW)
        settings.setdefault("webhook_retry_delays", [0.01, 0.02, 0.03])
        settings.setdefault("webhook_timeout", 2.0)
        app = create_app(settings)
        context = serving(app)
        base = context.__enter__()
        stack.append(context)
        return Api(base, app)

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


@pytest.fixture
def api(make_sandbox):
    return make_sandbox()


@pytest.fixture
def tx(api):
    """A logged-in session on a fresh company with bank account (and the Api as .api)."""
    company = api.company(name="Testfirma AS", organizationNumber="923609016")
    session = api.login(company)
    session.api = api
    session.company = company
    session.u = api.url
    return session
