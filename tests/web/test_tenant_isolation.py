"""Every portal sees only its own data: sessions, sign-in links and connections stay apart."""
from datetime import timedelta

import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from tests.journey import DEMO_PORTAL, connect_tripletex, install, text_of
from webapp.portal_lifecycle import check_idle_portals

OTHER_PORTAL = 4000002


def sign_in_url(stack, portal_id: int) -> str:
    reply = requests.post(stack.hubspot_url + "/_sandbox/fetch", json={
        "method": "POST", "url": stack.app_url + "/hubspot/settings/session",
        "portalId": portal_id}).json()
    assert reply["status"] == 200, reply
    return reply["body"]["url"]


def test_a_login_token_for_one_portal_never_opens_another(stack):
    install(stack, portal_id=DEMO_PORTAL)
    install(stack, portal_id=OTHER_PORTAL)
    browser = requests.Session()

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
    carried = requests.get(stack.app_url + "/setup/hubspot", params={"_s": forged})
    assert carried.status_code == 401


def test_an_uninstalled_portal_cannot_get_a_sign_in_link(stack, db):
    browser, _ = install(stack, portal_id=OTHER_PORTAL)
    requests.post(stack.hubspot_url + f"/_sandbox/portals/{OTHER_PORTAL}/uninstall")
    assert check_idle_portals(stack.app.config, db, stack.app.extensions["secret_box"],
                              idle_for=timedelta(0)) == [OTHER_PORTAL]
    reply = requests.post(stack.hubspot_url + "/_sandbox/fetch", json={
        "method": "POST", "url": stack.app_url + "/hubspot/settings/session",
        "portalId": OTHER_PORTAL}).json()
    assert reply["status"] == 404
    assert browser.get(stack.app_url + "/setup/hubspot").status_code == 401
