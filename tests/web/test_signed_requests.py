"""Requests HubSpot signs: the settings page's session request, and every way a forgery fails."""

import json
import time
from urllib.parse import urlencode

import pytest
import requests

from tests.journey import DEMO_PORTAL, IN_FRAME, framed, install, text_of
from webapp.clients.hubspot_signature import sign_v3

SECRET = "sandbox-client-secret"  # the sandbox app's client secret


def test_hubspots_published_v3_vector():
    # From HubSpot's Python SDK tests (tests/spec/utils/test_signature.py).
    assert (
        sign_v3(
            "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy",
            "POST",
            "https://www.example.com/webhook_uri",
            "{'example_field':'example_value'}",
            1693657560000,
        )
        == "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y="
    )


def fetch(stack, *, portal_id=DEMO_PORTAL, body=None, method="POST", path=None):
    """Ask the HubSpot sandbox to call us exactly as hubspot.fetch from the settings page does."""
    reply = requests.post(
        stack.hubspot_url + "/_sandbox/fetch",
        json={
            "method": method,
            "url": stack.app_url + (path or "/hubspot/settings/session"),
            "portalId": portal_id,
            "body": body,
        },
    )
    assert reply.ok, reply.text
    return reply.json()


def signed_post(
    stack,
    *,
    query=None,
    body=b"{}",
    secret=SECRET,
    age_ms=0,
    sign_query=None,
    sign_body=None,
    timestamp=None,
):
    """Send our own v3-signed request, so each part can be tampered with separately."""
    query = query or {
        "userId": "7000001",
        "userEmail": "kari.admin@nordisk-demo.no",
        "portalId": str(DEMO_PORTAL),
        "appId": "1000001",
    }
    url = f"{stack.app_url}/hubspot/settings/session?{urlencode(query)}"
    signed_url = f"{stack.app_url}/hubspot/settings/session?{urlencode(sign_query or query)}"
    ts = timestamp if timestamp is not None else int(time.time() * 1000) - age_ms
    signature = sign_v3(
        secret, "POST", signed_url, sign_body if sign_body is not None else body, ts
    )
    return requests.post(
        url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-HubSpot-Request-Timestamp": str(ts),
            "X-HubSpot-Signature-v3": signature,
        },
    )


@pytest.fixture
def installed(stack):
    install(stack)
    return stack


def test_the_settings_page_gets_a_single_use_url_that_signs_the_user_in(installed):
    reply = fetch(installed, body={"locale": "nb-no"})
    assert reply["status"] == 200
    url = reply["body"]["url"]
    assert url.startswith(installed.app_url + "/hubspot/settings/open?login=")
    browser = framed()
    page = browser.get(url)
    assert page.status_code == 200 and "/setup/" in page.url
    assert "_s=" in page.url  # the session also travels in the URL
    assert page.url.split("?")[0].endswith("/setup/tripletex")  # the first step still open
    assert "Koble til Tripletex" in text_of(page.text)  # the HubSpot user's locale
    assert '<html lang="nb">' in page.text
    assert page.headers["Cache-Control"] == "no-store"

    again = framed().get(url)
    assert again.status_code == 403
    assert "expired" in text_of(again.text)


def test_the_sign_in_url_works_without_cookies(installed):
    url = fetch(installed)["body"]["url"]
    page = requests.get(url, headers=IN_FRAME)  # a fresh request each time: no cookie jar
    assert page.status_code == 200
    step = requests.get(page.url.replace("/setup/hubspot", "/setup/tripletex"), headers=IN_FRAME)
    assert step.status_code == 200 and "Connect Tripletex" in text_of(step.text)


def test_a_login_token_expires_after_a_minute(installed):
    url = fetch(installed)["body"]["url"]
    from webapp.db import connect

    db = connect(installed.app.config["DATABASE"])
    db.execute("update login_tokens set expires_at = '2000-01-01T00:00:00+00:00'")
    db.conn.commit()
    db.close()
    assert requests.get(url, headers=IN_FRAME).status_code == 403


def test_a_correctly_signed_request_for_the_installed_portal_is_accepted(installed):
    reply = signed_post(installed)
    assert reply.status_code == 200 and reply.json()["url"]


@pytest.mark.parametrize(
    "case", ["stale", "future", "body", "query", "secret", "missing", "garbage_timestamp"]
)
def test_a_request_not_signed_by_hubspot_just_now_is_refused(installed, case):
    query = {
        "userId": "7000001",
        "userEmail": "kari.admin@nordisk-demo.no",
        "portalId": str(DEMO_PORTAL),
        "appId": "1000001",
    }
    if case == "stale":
        reply = signed_post(installed, age_ms=5 * 60 * 1000 + 1000)
    elif case == "future":
        reply = signed_post(installed, age_ms=-(5 * 60 * 1000 + 1000))
    elif case == "body":
        reply = signed_post(installed, body=b'{"locale": "en"}', sign_body=b'{"locale": "nb"}')
    elif case == "query":
        reply = signed_post(installed, query=dict(query, portalId="4000002"), sign_query=query)
    elif case == "secret":
        reply = signed_post(installed, secret="someone-elses-secret")
    elif case == "garbage_timestamp":
        reply = signed_post(installed, timestamp="soon")
    else:
        reply = requests.post(installed.app_url + "/hubspot/settings/session?" + urlencode(query))
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_signature"
    from webapp.db import connect

    db = connect(installed.app.config["DATABASE"])
    assert db["login_tokens"].count == 0
    db.close()


def test_a_portal_that_has_not_installed_the_app_gets_a_clear_404(stack):
    reply = fetch(stack)
    assert reply["status"] == 404
    assert reply["body"]["error"] == "not_installed"


def test_the_session_endpoint_takes_only_post(installed):
    reply = fetch(installed, method="GET")
    assert reply["status"] == 405


def test_a_malformed_body_does_not_break_the_signed_request(installed):
    reply = signed_post(installed, body=b"[not json")
    assert reply.status_code == 200


def test_the_signature_is_checked_against_the_public_url_behind_a_proxy(installed):
    # A proxy may change the host the app sees; the signature covers the public address.
    query = {"portalId": str(DEMO_PORTAL), "userId": "7000001"}
    path = f"/hubspot/settings/session?{urlencode(query)}"
    ts = int(time.time() * 1000)
    signature = sign_v3(SECRET, "POST", installed.app_url + path, b"", ts)
    internal = installed.app_url.replace("127.0.0.1", "localhost")
    reply = requests.post(
        internal + path,
        headers={
            "X-HubSpot-Request-Timestamp": str(ts),
            "X-HubSpot-Signature-v3": signature,
            "Host": "internal.example:8080",
        },
    )
    assert reply.status_code == 200, reply.text
    assert json.loads(reply.text)["url"].startswith(installed.app_url)


def test_a_user_email_with_letters_beyond_ascii_still_verifies(installed):
    # The query arrives percent-encoded (%C3%A5); the signature covers it exactly as sent.
    reply = requests.post(
        installed.hubspot_url + "/_sandbox/fetch",
        json={
            "method": "POST",
            "url": installed.app_url + "/hubspot/settings/session?from=s%C3%B8k",
            "portalId": DEMO_PORTAL,
            "userEmail": "kåre.ås@nordisk-demo.no",
        },
    ).json()
    assert reply["status"] == 200, reply
