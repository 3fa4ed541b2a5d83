"""Every portal sees only its own data: sessions, sign-in links and connections stay apart."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous.timed import TimestampSigner

from tests.journey import (
    DEMO_PORTAL,
    IN_FRAME,
    TOP_LEVEL,
    connect_tripletex,
    framed,
    install,
    text_of,
)
from webapp.portal.lifecycle import check_idle_portals

OTHER_PORTAL = 4000002


def sign_in_url(stack, portal_id: int) -> str:
    reply = requests.post(
        stack.hubspot_url + "/_sandbox/fetch",
        json={
            "method": "POST",
            "url": stack.app_url + "/hubspot/settings/session",
            "portalId": portal_id,
        },
    ).json()
    assert reply["status"] == 200, reply
    return reply["body"]["url"]


def test_a_login_token_for_one_portal_never_opens_another(stack):
    install(stack, portal_id=DEMO_PORTAL)
    install(stack, portal_id=OTHER_PORTAL)
    browser = framed()

    page = browser.get(sign_in_url(stack, DEMO_PORTAL))
    first = browser.get(stack.app_url + "/setup/hubspot?" + page.url.split("?")[1])
    assert str(DEMO_PORTAL) in text_of(first.text)
    assert str(OTHER_PORTAL) not in text_of(first.text)

    page = browser.get(sign_in_url(stack, OTHER_PORTAL))
    second = browser.get(stack.app_url + "/setup/hubspot?" + page.url.split("?")[1])
    assert str(OTHER_PORTAL) in text_of(second.text)
    assert str(DEMO_PORTAL) not in text_of(second.text)


def test_one_portals_tripletex_connection_is_invisible_to_another(stack):
    first, _ = install(stack, portal_id=DEMO_PORTAL)
    second, _ = install(stack, portal_id=OTHER_PORTAL)
    connect_tripletex(stack, first, "demo-employee-token")

    page = second.get(stack.app_url + "/setup/tripletex")
    assert "Nordvik Demo AS" not in text_of(page.text)
    assert "Paste the token below" in text_of(page.text)
    assert second.get(stack.app_url + "/setup/check").url.endswith("/setup/tripletex")


def test_a_session_cannot_be_switched_to_another_portal_by_editing_it(stack):
    install(stack, portal_id=DEMO_PORTAL)
    install(stack, portal_id=OTHER_PORTAL)
    # A session for the other portal, signed with any key but the app's own.
    forger = Flask("forger")
    forger.secret_key = "guessed-secret"
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    forged = serializer.dumps({"portal_id": OTHER_PORTAL, "user_id": 1})
    page = requests.get(stack.app_url + "/setup/hubspot", cookies={"session": forged})
    assert page.status_code == 401
    carried = requests.get(
        stack.app_url + "/setup/hubspot", params={"_s": forged}, headers=IN_FRAME
    )
    assert carried.status_code == 401


def test_an_uninstalled_portal_cannot_get_a_sign_in_link(stack, db, collab):
    browser, _ = install(stack, portal_id=OTHER_PORTAL)
    requests.post(stack.hubspot_url + f"/_sandbox/portals/{OTHER_PORTAL}/uninstall")
    assert check_idle_portals(collab, idle_for=timedelta(0)) == [OTHER_PORTAL]
    reply = requests.post(
        stack.hubspot_url + "/_sandbox/fetch",
        json={
            "method": "POST",
            "url": stack.app_url + "/hubspot/settings/session",
            "portalId": OTHER_PORTAL,
        },
    ).json()
    assert reply["status"] == 404
    assert browser.get(stack.app_url + "/setup/hubspot").status_code == 401


def test_a_portal_named_in_the_extensions_own_url_cannot_override_hubspots(stack):
    # HubSpot appends portalId=A to a URL that already says portalId=B: refused, not B.
    install(stack, portal_id=DEMO_PORTAL)
    install(stack, portal_id=OTHER_PORTAL)
    reply = requests.post(
        stack.hubspot_url + "/_sandbox/fetch",
        json={
            "method": "POST",
            "portalId": DEMO_PORTAL,
            "url": f"{stack.app_url}/hubspot/settings/session?portalId={OTHER_PORTAL}",
        },
    ).json()
    assert reply["status"] == 401
    assert "more than once" in reply["body"]["message"]


def carried_session(stack, portal_id: int) -> str:
    """The `_s` value a signed-in frame for `portal_id` carries in its links."""
    page = requests.get(sign_in_url(stack, portal_id), headers=IN_FRAME)
    return parse_qs(urlsplit(page.url).query)["_s"][0]


def test_a_planted_link_with_someone_elses_session_does_not_sign_the_victim_in(stack):
    victim, _ = install(stack, portal_id=DEMO_PORTAL)
    install(stack, portal_id=OTHER_PORTAL)
    planted = carried_session(stack, OTHER_PORTAL)
    top_level_from_elsewhere = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "document"}

    page = victim.get(
        stack.app_url + "/setup/hubspot", params={"_s": planted}, headers=top_level_from_elsewhere
    )

    assert str(DEMO_PORTAL) in text_of(page.text)
    assert str(OTHER_PORTAL) not in text_of(page.text)


def test_a_carried_session_never_replaces_the_cookie(stack):
    victim, _ = install(stack, portal_id=DEMO_PORTAL)
    install(stack, portal_id=OTHER_PORTAL)
    carried = carried_session(stack, OTHER_PORTAL)

    page = victim.get(stack.app_url + "/", params={"lang": "en", "_s": carried}, headers=IN_FRAME)

    assert "You are signed in for HubSpot account 4000002" in text_of(page.text)
    assert "set-cookie" not in {k.lower() for k in page.headers}
    after = victim.get(stack.app_url + "/setup/hubspot")
    assert str(DEMO_PORTAL) in text_of(after.text)


@pytest.mark.parametrize(
    "navigation",
    [
        TOP_LEVEL,  # pasted into the address bar
        {
            "Sec-Fetch-Site": "same-origin",
            "Sec-Fetch-Dest": "document",
            "Sec-Fetch-Mode": "navigate",
        },
        {
            "Sec-Fetch-Site": "cross-site",
            "Sec-Fetch-Dest": "document",
            "Sec-Fetch-Mode": "navigate",
        },
        {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"},
        {},  # a client without Fetch Metadata
    ],
    ids=["pasted", "our-link-top-level", "link-from-elsewhere", "script-not-htmx", "no-metadata"],
)
def test_a_url_carrying_a_session_signs_nobody_in_outside_the_frame(stack, navigation):
    install(stack, portal_id=DEMO_PORTAL)
    carried = carried_session(stack, DEMO_PORTAL)

    page = requests.get(
        stack.app_url + "/setup/hubspot", params={"_s": carried}, headers=navigation
    )

    assert page.status_code == 401
    assert str(DEMO_PORTAL) not in text_of(page.text)


def test_our_own_htmx_requests_may_carry_the_session_in_the_url(stack):
    install(stack, portal_id=DEMO_PORTAL)
    carried = carried_session(stack, DEMO_PORTAL)
    htmx = {
        "Sec-Fetch-Site": "same-origin",
        "Sec-Fetch-Dest": "empty",
        "Sec-Fetch-Mode": "cors",
        "HX-Request": "true",
    }

    fragment = requests.get(stack.app_url + "/setup/hubspot", params={"_s": carried}, headers=htmx)

    assert fragment.status_code == 200
    assert str(DEMO_PORTAL) in text_of(fragment.text)


def test_a_sign_in_link_opened_top_level_is_refused(stack):
    install(stack, portal_id=DEMO_PORTAL)
    url = sign_in_url(stack, DEMO_PORTAL)
    page = requests.get(url, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "document"})
    assert page.status_code == 403
    assert "work only inside HubSpot" in text_of(page.text)
    framed = requests.get(url, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "iframe"})
    assert framed.status_code == 200  # still unused: the refusal burnt nothing


def test_a_lapsed_frame_session_never_falls_back_to_another_portals_cookie(stack, monkeypatch):
    # Portal B signed in last in this browser (its cookie is HubSpot-wide, partitioned); the
    # frame for portal A sat idle past its two hours.
    frame_for_a, _ = install(stack, portal_id=DEMO_PORTAL)
    carried_a = carried_session(stack, DEMO_PORTAL)
    browser_b, _ = install(stack, portal_id=OTHER_PORTAL)
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 3 * 3600)

    page = browser_b.get(
        stack.app_url + "/setup/hubspot", params={"_s": carried_a}, headers=IN_FRAME
    )
    form = browser_b.post(
        stack.app_url + "/setup/plan",
        params={"_s": carried_a},
        data={"plan": "free"},
        headers=IN_FRAME,
    )

    assert page.status_code == 401 and str(OTHER_PORTAL) not in text_of(page.text)
    assert form.status_code == 401
    assert "Your session has ended" in text_of(form.text)
    assert str(OTHER_PORTAL) not in text_of(form.text)


def test_a_frame_link_opened_in_a_tab_of_its_own_loses_the_session_from_its_url(stack):
    install(stack, portal_id=DEMO_PORTAL)
    carried = carried_session(stack, DEMO_PORTAL)

    reply = requests.get(
        stack.app_url + "/setup/hubspot",
        params={"_s": carried, "lang": "nb"},
        headers=TOP_LEVEL,
        allow_redirects=False,
    )

    assert reply.status_code == 303
    assert reply.headers["Location"] == "/setup/hubspot?lang=nb"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert carried not in reply.text
