"""Bad or hostile input anywhere in the journey gets a 4xx with a clear message, never a 500."""
import pytest
import requests
from itsdangerous.timed import TimestampSigner

from tests.journey import DEMO_PORTAL, connect_tripletex, install, post_step, text_of


def test_an_htmx_request_without_a_session_gets_a_stepper_shaped_401(stack):
    reply = requests.get(stack.app_url + "/setup/tripletex", headers={"HX-Request": "true"})
    assert reply.status_code == 401
    assert reply.text.lstrip().startswith('<section id="stepper"')
    assert "<html" not in reply.text
    assert 'target="_top"' in reply.text            # HubSpot's pages cannot open in the frame


def test_a_body_over_a_megabyte_is_refused_before_it_is_read(stack):
    reply = requests.post(stack.app_url + "/hubspot/settings/session?portalId=1",
                          data=b"x" * (2 * 1024 * 1024))
    assert reply.status_code == 413
    assert reply.json()["message"]


def test_a_form_without_its_csrf_token_is_refused_clearly(stack, browser):
    install(stack, browser)
    reply = browser.post(stack.app_url + "/setup/tripletex", data={"token": "demo-employee-token"})
    assert reply.status_code == 400
    assert "nothing was sent" in text_of(reply.text)
    assert 'name="token"' in reply.text                    # the same step, ready to send again
    assert "Connected to Tripletex" not in text_of(browser.get(stack.app_url +
                                                               "/setup/tripletex").text)


@pytest.mark.parametrize("path, data", [
    ("/setup/plan", {"plan": "gold"}),
    ("/setup/plan", {}),
    ("/setup/tripletex/company", {"company_id": "not-a-number"}),
    ("/setup/tripletex", {"token": "\x00\x01"}),
    ("/setup/tripletex", {"token": ["a", "b"]}),
])
def test_malformed_form_values_get_a_4xx(stack, browser, path, data):
    install(stack, browser)
    connect_tripletex(stack, browser, "demo-employee-token")
    page = browser.get(stack.app_url + "/setup/check")
    reply = post_step(stack, browser, path, data, page)
    assert 400 <= reply.status_code < 500, (path, data, reply.status_code)
    assert "Traceback" not in reply.text


@pytest.mark.parametrize("path", ["/setup/nowhere", "/setup/%ff%fe", "/oauth/callback?code=%ff",
                                  "/?lang=%00", "/hubspot/settings/open?login=" + "x" * 5000])
def test_odd_addresses_get_a_4xx_page(stack, browser, path):
    install(stack, browser)
    reply = browser.get(stack.app_url + path)
    assert 400 <= reply.status_code < 500 or reply.status_code == 200, (path, reply.status_code)
    assert reply.status_code != 500


def test_unknown_steps_are_404(stack, browser):
    install(stack, browser)
    assert browser.get(stack.app_url + "/setup/nowhere").status_code == 404


@pytest.mark.parametrize("path, asks", [
    ("/account/uninstall", "Uninstall Tripletex Sync from Nordisk Demo AS?"),
    ("/setup/tripletex/disconnect", "Disconnect Nordvik Demo AS from HubSpot Nordisk Demo AS?"),
])
def test_a_confirmation_sent_with_a_lapsed_token_asks_again_and_does_nothing(
        stack, browser, db, monkeypatch, path, asks):
    install(stack, browser)
    connect_tripletex(stack, browser, "demo-employee-token")
    page = browser.get(stack.app_url + path)
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 62 * 60)

    reply = post_step(stack, browser, path, {"confirm": "yes"}, page)

    assert reply.status_code == 400
    assert "nothing was sent" in text_of(reply.text) and asks in text_of(reply.text)
    assert db["installations"].get(DEMO_PORTAL)["status"] == "active"
    assert db.execute("select count(*) from credentials where kind = 'tripletex_employee'"
                      ).fetchone()[0] == 1
