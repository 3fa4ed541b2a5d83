"""`flask --app wsgi sandbox connect`: install a sandbox portal and connect its Tripletex, no
browser needed, through the very pages and flows a person uses.

The app's side runs in this process (its test client), HubSpot's consent page is the running
HubSpot sandbox, and Tripletex is the running Tripletex sandbox: so the OAuth state, the code
exchange, the introspection, the properties and the live token check are all the real ones.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import requests
from flask import Flask

DEMO_PORTAL = 4000001
DEMO_EMPLOYEE_TOKEN = "demo-employee-token"  # the Tripletex sandbox's demo company

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConnectFailed(Exception):
    """A step of the journey did not answer as a person would see it succeed."""


def connect_sandbox_portal(
    app: Flask, portal_id: int = DEMO_PORTAL, token: str = DEMO_EMPLOYEE_TOKEN
) -> int:
    """Install the app in `portal_id` and connect Tripletex with `token`; return the portal id.

    Run again, it reinstalls (the portal keeps its settings) and connects again: the same id.
    """
    if not app.config["SANDBOX_MODE"]:
        raise ConnectFailed("only in sandbox mode: a real HubSpot asks a person to consent")
    app_side = app.test_client()
    hubspot = requests.Session()
    try:
        authorize = _expect_redirect(app_side.get("/install"), "the install link")
        consent = hubspot.get(authorize, timeout=30)
        if consent.status_code != 200:
            raise ConnectFailed(f"HubSpot's consent page answered {consent.status_code}")
        form = {name: html.unescape(value) for name, value in _HIDDEN.findall(consent.text)}
        form.update(portal_id=str(portal_id), decision="allow")
        decided = hubspot.post(
            consent.url.split("?", 1)[0], data=form, allow_redirects=False, timeout=30
        )
        if decided.status_code not in (302, 303):
            raise ConnectFailed(f"HubSpot refused the consent ({decided.status_code})")
        landing = app_side.get(_path(decided.headers["Location"]))
        _expect_redirect(landing, "the OAuth callback")
        step = app_side.get("/setup/tripletex")
        csrf = _CSRF.search(step.get_data(as_text=True))
        if step.status_code != 200 or csrf is None:
            raise ConnectFailed(f"the Tripletex step answered {step.status_code}")
        connected = app_side.post(
            "/setup/tripletex", data={"token": token, "csrf_token": csrf.group(1)}
        )
        if connected.status_code not in (302, 303):
            raise ConnectFailed(f"Tripletex refused the token ({connected.status_code})")
    except requests.RequestException as exc:
        raise ConnectFailed(f"the HubSpot sandbox did not answer: {type(exc).__name__}") from exc
    finally:
        hubspot.close()
    return portal_id


def _expect_redirect(response, what: str) -> str:
    if response.status_code not in (302, 303):
        raise ConnectFailed(f"{what} answered {response.status_code}, not a redirect")
    return response.headers["Location"]


def _path(url: str) -> str:
    """The path and query of an address of ours (HubSpot redirects to the public URL)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
