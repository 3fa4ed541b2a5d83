"""The sandbox's portal and settings pages with the real app behind them, over real HTTP."""

from __future__ import annotations

import html
import re

import requests

from tests.journey import install, text_of

from .conftest import DEMO

SETTINGS = f"/integrations-settings/{DEMO}/installed/framework/1000001/general-settings"


def sign_in_url(page: str) -> str:
    """The URL the page's "Open setup" button opens in the iframe modal."""
    found = re.search(r'data-open-iframe-modal data-uri="([^"]+)"', page)
    assert found, "the settings page shows no Open setup button"
    return html.unescape(found.group(1))


def test_the_portal_page_lists_the_demo_portal_and_where_to_install(stack):
    page = requests.get(f"{stack.hubspot_url}/portals").text
    assert "Nordisk Demo AS" in page and "4000001" in page
    assert f'href="{stack.app_url}/install"' in page and SETTINGS not in page
    install(stack)
    link = f'<a href="{SETTINGS}">Open Tripletex Sync\'s settings</a>'
    assert link in requests.get(f"{stack.hubspot_url}/portals").text


def test_the_settings_pages_signed_request_gets_a_single_use_url_that_signs_in(stack):
    install(stack)
    page = requests.get(stack.hubspot_url + SETTINGS, params={"userId": 7000002})
    url = sign_in_url(page.text)
    assert url.startswith(f"{stack.app_url}/hubspot/settings/open?login=")

    with requests.Session() as frame:  # no cookie yet: the URL alone signs the user in
        setup = frame.get(url, headers={"Sec-Fetch-Dest": "iframe"})
        assert setup.status_code == 200 and 'name="token"' in setup.text
        assert "ola.selger@nordisk-demo.no" in frame.get(f"{stack.app_url}/setup/hubspot").text
    again = requests.get(url, headers={"Sec-Fetch-Dest": "iframe"})
    assert again.status_code == 403 and "This link has expired" in text_of(again.text)


def test_the_app_refusing_an_unknown_portal_shows_the_error_state(stack):
    # The sandbox believes the app is installed; the app never heard of the portal.
    with stack.hubspot_sandbox.state.lock:
        stack.hubspot_sandbox.state.portals[DEMO].installed = True
    page = requests.get(stack.hubspot_url + SETTINGS).text
    assert "Tripletex Sync could not be reached" in page
    assert "The server answered 404. Please try again in a moment." in page


def test_a_browser_at_the_sandboxs_root_lands_on_the_portal_page(stack):
    page = requests.get(stack.hubspot_url + "/", headers={"Accept": "text/html"})
    assert page.url == stack.hubspot_url + "/portals" and "Nordisk Demo AS" in page.text
    program = requests.get(stack.hubspot_url + "/", headers={"Accept": "application/json"})
    assert program.json()["portals"] == "/portals"
