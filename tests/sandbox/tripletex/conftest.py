"""A live Tripletex sandbox per test, with a fixed clock; every answer it gives is spec-checked."""

import base64
from datetime import datetime, timezone

import pytest
import requests

from tests.servers import serving
from webapp.sandbox.tripletex import create_app

from . import openapi_check

CONSUMER = "sandbox-consumer-token"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)  # 11:00 in Oslo


class Api:
    """Plain `requests` calls against one sandbox, with helpers for sessions and the control API."""

    def __init__(self, base: str, app):
        self.base = base
        self.host = base.split("://", 1)[1]
        self.app = app
        self.state = app.extensions["tripletex_sandbox"]
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def control(self, method: str, path: str, body: dict | None = None, status: int = 200):
        """Call /_sandbox/<path> and return its JSON, insisting on `status`."""
        response = self.http.request(method, self.url(f"/_sandbox/{path}"), json=body)
        assert response.status_code == status, response.text
        return response.json()

    def company(self, **body) -> dict:
        return self.control("POST", "companies", body, status=201)

    def counts(self) -> dict:
        """Calls per endpoint, from the sandbox's request log."""
        return self.control("GET", "requests")["counts"]

    def deliveries(self) -> list:
        """Webhook deliveries, once none is in flight or due."""
        return self.control("GET", "webhooks?wait=1")["deliveries"]

    def advance(self, seconds: float) -> dict:
        return self.control("POST", "clock", {"advanceSeconds": seconds})

    @staticmethod
    def token(company: dict, label: str = "working") -> str:
        return next(t["token"] for t in company["tokens"] if t["label"] == label)

    def session(self, employee_token: str, expiration: str = "2026-11-26") -> str:
        response = self.http.post(
            self.url("/v2/token/session/:create"),
            json={
                "consumerToken": CONSUMER,
                "employeeToken": employee_token,
                "expirationDate": expiration,
            },
        )
        assert response.status_code == 201, response.text
        return response.json()["value"]["token"]

    def login(self, company: dict | None = None, label: str = "working", user: str = "0"):
        """Return a requests.Session authenticated as the company's token, with .u for urls."""
        company = company or self.company()
        session = requests.Session()
        session.auth = (user, self.session(self.token(company, label)))
        session.api, session.company, session.u = self, company, self.url
        return session


def basic(user, token) -> str:
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


@pytest.fixture
def make_sandbox():
    """Start sandboxes with extra settings; each answer is checked against the spec.

    The test fails at teardown if any answer broke the spec or lacked a required header.
    """
    stack, problems = [], []

    def start(**settings):
        settings.setdefault("now", lambda: NOW)
        settings.setdefault("webhook_retry_delays", [1, 5, 30])
        settings.setdefault("webhook_timeout", 2.0)
        # Deliveries at once: tests of the propagation delays set them (test_webhooks_fidelity).
        settings.setdefault("webhook_delivery_delay", 0)
        settings.setdefault("subscription_propagation", 0)
        app = create_app(settings)
        openapi_check.watch(app, problems)
        context = serving(app, poll_interval=0.02)  # a quick stop at teardown
        base = context.__enter__()
        stack.append(context)
        return Api(base, app)

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)
    assert not problems, "sandbox answers that break the spec:\n" + "\n".join(problems)


@pytest.fixture
def api(make_sandbox):
    return make_sandbox()


@pytest.fixture
def tx(api):
    """A logged-in session on a fresh company with a bank account number."""
    return api.login(api.company(name="Testfirma AS", organizationNumber="923609016"))
