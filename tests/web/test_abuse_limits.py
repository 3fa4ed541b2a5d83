"""Abuse limits: a signed HubSpot request works once, and token attempts are rationed."""

import re

import pytest
import requests

from tests.journey import DEMO_PORTAL, IN_FRAME, connect_tripletex, install, post_step, text_of
from tests.web.test_signed_requests import signed_post
from webapp.storage.login_tokens import LoginTokens


def login_token_count(db) -> int:
    return db.execute("select count(*) from login_tokens").fetchone()[0]


def tripletex_calls(stack) -> int:
    return sum(requests.get(stack.tripletex_url + "/_sandbox/requests").json()["counts"].values())


@pytest.fixture
def installed(stack):
    install(stack)
    return stack


def replay(reply: requests.Response) -> requests.Response:
    """Send exactly the same signed request again, as someone who captured it would."""
    sent = reply.request
    return requests.post(sent.url, data=sent.body, headers=dict(sent.headers))


def test_a_replayed_signed_request_mints_no_second_sign_in_link(installed, db):
    first = signed_post(installed)
    assert first.status_code == 200

    again = replay(first)

    assert again.status_code == 409
    assert again.json()["error"] == "replayed"
    assert login_token_count(db) == 1
    # The first answer's link still works, once.
    assert requests.get(first.json()["url"], headers=IN_FRAME).status_code == 200


def test_hubspots_own_retry_after_a_server_error_still_works(installed, db, monkeypatch):
    # HubSpot retries a hubspot.fetch once after a 5xx; the sandbox does the same, and with its
    # clock frozen the retry carries the very same timestamp and signature.
    requests.post(installed.hubspot_url + "/_sandbox/clock", json={"freeze": True})
    real_mint, failures = LoginTokens.mint, []

    def mint_failing_once(self, *args, **kwargs):
        if not failures:
            failures.append("boom")
            raise RuntimeError("the database went away")
        return real_mint(self, *args, **kwargs)

    monkeypatch.setattr(LoginTokens, "mint", mint_failing_once)

    reply = requests.post(
        installed.hubspot_url + "/_sandbox/fetch",
        json={
            "method": "POST",
            "url": installed.app_url + "/hubspot/settings/session",
            "portalId": DEMO_PORTAL,
        },
    ).json()

    assert failures == ["boom"]
    assert reply["attempts"] == 2 and reply["status"] == 200
    assert login_token_count(db) == 1
    assert requests.get(reply["body"]["url"], headers=IN_FRAME).status_code == 200


def test_a_refused_signature_is_not_remembered(installed, db):
    forged = signed_post(installed, secret="someone-elses-secret")
    assert forged.status_code == 401
    assert db.execute("select count(*) from signed_requests").fetchone()[0] == 0


def test_token_attempts_per_portal_are_limited_with_a_clear_wait(stack, browser, db):
    install(stack, browser)
    for _ in range(5):
        assert connect_tripletex(stack, browser, "demo-revoked-token").status_code == 422
    calls = tripletex_calls(stack)

    page = connect_tripletex(stack, browser, "demo-employee-token")

    assert page.status_code == 429
    text = text_of(page.text)
    assert "Too many attempts in a short time" in text
    seconds = int(re.search(r"wait (\d+) seconds?", text).group(1))
    assert 1 <= seconds <= 60 and page.headers["Retry-After"] == str(seconds)
    assert tripletex_calls(stack) == calls  # Tripletex was not asked again
    assert (
        db.execute("select count(*) from credentials where kind like 'tripletex%'").fetchone()[0]
        == 0
    )
    assert 'name="token"' in page.text  # the step, ready for later


def test_the_check_shares_the_limit(stack, browser):
    install(stack, browser)
    connect_tripletex(stack, browser, "demo-employee-token")
    for _ in range(4):
        step = browser.get(stack.app_url + "/setup/check")
        assert post_step(stack, browser, "/setup/check", {}, step).status_code == 200

    step = browser.get(stack.app_url + "/setup/check")
    page = post_step(stack, browser, "/setup/check", {}, step)

    assert page.status_code == 429
    assert "Too many attempts in a short time" in text_of(page.text)
    assert "Everything the sync needs is in place" in text_of(page.text)  # the last check stays


def test_attempts_per_client_address_are_limited_across_portals(make_stack):
    # Five portals from one address, four attempts each: the address's 20 run out first.
    stack = make_stack()
    browsers = five_portals(stack, 4100000)
    answers = [
        connect_tripletex(stack, b, "demo-revoked-token").status_code
        for b in browsers
        for _ in range(4)
    ]
    assert answers == [422] * 20

    refused = connect_tripletex(stack, browsers[0], "demo-employee-token")

    assert refused.status_code == 429
    assert "wait" in text_of(refused.text)


def test_a_forged_forwarded_address_does_not_dodge_the_limit(make_stack):
    # No proxy is configured (TXSYNC_PROXY_COUNT=0), so X-Forwarded-For is the client's word:
    # twenty attempts over five portals, each claiming another address, use up this address.
    stack = make_stack()
    browsers = five_portals(stack, 4300000)
    for n, browser in enumerate(browsers):
        browser.headers["X-Forwarded-For"] = f"203.0.113.{n}"
    answers = [
        connect_tripletex(stack, b, "demo-revoked-token").status_code
        for b in browsers
        for _ in range(4)
    ]
    assert answers == [422] * 20

    browsers[0].headers["X-Forwarded-For"] = "198.51.100.7"
    assert connect_tripletex(stack, browsers[0], "demo-employee-token").status_code == 429


def five_portals(stack, first_id: int) -> list:
    """Install the app in five new portals; a signed-in browser for each."""
    for n in range(5):
        requests.post(
            stack.hubspot_url + "/_sandbox/portals",
            json={"id": first_id + n, "name": f"Kontor {n} AS", "domain": f"kontor{n}.example"},
        ).raise_for_status()
    return [install(stack, portal_id=first_id + n)[0] for n in range(5)]


def test_behind_a_proxy_each_client_address_has_its_own_allowance(make_stack):
    stack = make_stack(app_config={"PROXY_COUNT": 1})
    browsers = five_portals(stack, 4200000)
    for n, browser in enumerate(browsers):
        browser.headers["X-Forwarded-For"] = f"203.0.113.{n}"
    answers = [
        connect_tripletex(stack, b, "demo-revoked-token").status_code
        for b in browsers
        for _ in range(4)
    ]
    assert answers == [422] * 20  # 20 from five addresses: no address is at its limit

    other = install(stack, portal_id=4000001)[0]
    other.headers["X-Forwarded-For"] = "203.0.113.0"
    assert connect_tripletex(stack, other, "demo-employee-token").status_code == 200
