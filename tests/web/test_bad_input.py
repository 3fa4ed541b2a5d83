"""Bad or hostile input anywhere in the journey gets a 4xx with a clear message, never a 500."""

import pytest
import requests
from itsdangerous.timed import TimestampSigner

from tests.auth import NORDVIK, shown
from tests.journey import IN_FRAME, connect_tripletex, install, post_step, text_of
from tests.rows import portal_rows
from webapp.portal.tripletex_link import TripletexLink


def test_an_htmx_request_without_a_session_gets_a_stepper_shaped_401(client):
    reply = client.get("/setup/tripletex", headers={"HX-Request": "true"})
    assert reply.status_code == 401
    assert reply.text.lstrip().startswith('<section id="stepper"')
    assert "<html" not in reply.text
    assert shown(reply) == (
        "Open the app from HubSpot You are not signed in, or your session "
        "has ended. Open Tripletex Sync from the app's settings in HubSpot, "
        "or install it. Install in HubSpot"
    )
    assert 'target="_top"' in reply.text  # HubSpot's pages cannot open in the frame


def test_a_body_over_a_megabyte_is_refused_before_it_is_read(stack):
    reply = requests.post(
        stack.app_url + "/hubspot/settings/session?portalId=1", data=b"x" * (2 * 1024 * 1024)
    )
    assert reply.status_code == 413
    assert reply.json() == {"error": "Too large", "message": "What was sent is too large."}


def test_a_form_without_its_csrf_token_is_refused_clearly_and_stores_nothing(auth, client):
    auth.sign_in()
    with auth.collaborators() as c:
        before = portal_rows(c.db)

    reply = client.post("/setup/tripletex", data={"token": "demo-employee-token"})

    assert reply.status_code == 400
    assert (
        "This page was open for a long time, so for your security nothing was sent. It has "
        "been refreshed: please do that again."
    ) in shown(reply)
    assert 'name="token"' in reply.text  # the same step, ready to send again
    with auth.collaborators() as c:
        assert portal_rows(c.db) == before
    assert "Connected to Tripletex" not in shown(client.get("/setup/tripletex"))


@pytest.mark.parametrize(
    "path, data, says",
    [
        ("/setup/plan", {"plan": "gold"}, "Choose one of the plans."),
        ("/setup/plan", {}, "Choose one of the plans."),
        (
            "/setup/tripletex/company",
            {"company_id": "10450001"},  # no list was offered
            "The list of companies has expired. Paste the token again.",
        ),
        (
            "/setup/tripletex",
            {"token": "\x00\x01"},
            "The text contains invisible characters. Copy the token again from Tripletex.",
        ),
    ],
)
def test_a_malformed_form_value_is_refused_with_the_reason_and_stores_nothing(
    auth, client, path, data, says
):
    auth.sign_in()
    auth.connect_tripletex()
    with auth.collaborators() as c:
        before = portal_rows(c.db)

    reply = auth.post(path, data, client.get("/setup/check"))

    assert reply.status_code == 422
    assert says in shown(reply)
    with auth.collaborators() as c:
        assert portal_rows(c.db) == before


def test_a_company_id_that_is_not_a_number_asks_again_and_keeps_the_choice(auth, client):
    auth.sign_in()
    fjellklient = {"id": 10450002, "name": "Fjellklient AS", "organizationNumber": "912345678"}
    with auth.collaborators() as c:
        TripletexLink(c).remember_choice(4000001, "accountant-token", [NORDVIK, fjellklient])
        before = portal_rows(c.db)

    reply = auth.post(
        "/setup/tripletex/company", {"company_id": "not-a-number"}, client.get("/setup/tripletex")
    )

    assert reply.status_code == 422
    assert "Choose one of the companies listed." in shown(reply)
    assert 'name="company_id" value="10450002"' in reply.text  # still offered
    with auth.collaborators() as c:
        assert portal_rows(c.db) == before


def test_a_token_field_sent_twice_tries_only_the_first_and_keeps_the_old_link(stack, browser, db):
    install(stack, browser)
    connect_tripletex(stack, browser, "demo-employee-token")
    before = portal_rows(db)
    page = browser.get(stack.app_url + "/setup/tripletex")

    reply = post_step(stack, browser, "/setup/tripletex", {"token": ["a", "b"]}, page)

    assert reply.status_code == 422
    assert "Tripletex did not accept this token." in text_of(reply.text)
    log = requests.get(stack.tripletex_url + "/_sandbox/requests").json()
    assert log["counts"]["POST /v2/token/session/:create"] == 2  # the first connect, and "a"
    assert portal_rows(db) == before


@pytest.mark.parametrize(
    "path, headers, status, says",
    [
        ("/setup/%ff%fe", {}, 404, "Page not found There is no page at this address."),
        (
            "/oauth/callback?code=%ff",
            {},
            400,
            "The install could not be completed HubSpot sent back an incomplete answer.",
        ),
        # Opened as HubSpot opens it, in the frame, so the overlong login is actually read.
        (
            "/hubspot/settings/open?login=" + "x" * 5000,
            IN_FRAME,
            403,
            "This link has expired Sign-in links from HubSpot work once, for one minute.",
        ),
    ],
)
def test_odd_addresses_get_an_explained_4xx_page_and_change_nothing(
    stack, browser, db, path, headers, status, says
):
    install(stack, browser)
    before = portal_rows(db)

    reply = browser.get(stack.app_url + path, headers=headers)

    assert reply.status_code == status
    assert says in text_of(reply.text)
    assert portal_rows(db) == before


def test_a_language_that_cannot_be_read_shows_the_start_page_in_english(stack, browser):
    install(stack, browser)
    reply = browser.get(stack.app_url + "/?lang=%00")
    assert reply.status_code == 200
    assert '<html lang="en"' in reply.text
    assert "You are signed in for HubSpot account 4000001." in text_of(reply.text)


def test_unknown_steps_are_404(auth, client):
    auth.sign_in()
    reply = client.get("/setup/nowhere")
    assert reply.status_code == 404
    assert shown(reply).endswith(
        "Page not found There is no page at this address. Go to the start page"
    )


@pytest.mark.parametrize(
    "path, asks",
    [
        ("/account/uninstall", "Uninstall Tripletex Sync from Nordisk Demo AS?"),
        ("/setup/tripletex/disconnect", "Disconnect Nordvik Demo AS from HubSpot Nordisk Demo AS?"),
    ],
)
def test_a_confirmation_sent_with_a_lapsed_token_asks_again_and_does_nothing(
    stack, browser, db, monkeypatch, path, asks
):
    install(stack, browser)
    connect_tripletex(stack, browser, "demo-employee-token")
    before = portal_rows(db)
    page = browser.get(stack.app_url + path)
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 62 * 60)

    reply = post_step(stack, browser, path, {"confirm": "yes"}, page)

    assert reply.status_code == 400
    assert "nothing was sent" in text_of(reply.text) and asks in text_of(reply.text)
    assert portal_rows(db) == before
