"""Actions a user takes in the install journey, over real HTTP (flaskr's "actions" helper)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import requests

DEMO_PORTAL = 4000001

# What Chromium sends when a page loads inside HubSpot's iframe (Fetch Metadata): only such
# navigations (and our own htmx requests) may carry the session in the URL.
IN_FRAME = {
    "Sec-Fetch-Dest": "iframe",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "cross-site",
}
TOP_LEVEL = {
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "none",
    "Sec-Fetch-User": "?1",
}


def framed(browser: requests.Session | None = None) -> requests.Session:
    """A client whose every request is a navigation inside HubSpot's iframe."""
    browser = browser or requests.Session()
    browser.headers.update(IN_FRAME)
    return browser


def hidden_fields(page: str) -> dict:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def text_of(page: str) -> str:
    """The visible text of the page's main element, whitespace collapsed."""
    main = page.split("<main", 1)[-1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def authorize_page(stack, browser: requests.Session) -> requests.Response:
    """Click Install: our /install sends the browser to HubSpot's account picker."""
    page = browser.get(stack.app_url + "/install")
    assert page.status_code == 200 and "/oauth/authorize" in page.url
    return page


def consent(
    stack,
    browser: requests.Session,
    page: requests.Response,
    *,
    portal_id: int = DEMO_PORTAL,
    decision: str = "allow",
    follow: bool = True,
) -> requests.Response:
    """Pick the account and click "Allow and install" (or "Cancel") on HubSpot's page."""
    form = hidden_fields(page.text)
    form.update(portal_id=str(portal_id), decision=decision)
    return browser.post(stack.hubspot_url + "/oauth/authorize", data=form, allow_redirects=follow)


def install(
    stack, browser: requests.Session | None = None, *, portal_id: int = DEMO_PORTAL
) -> tuple[requests.Session, requests.Response]:
    """Install the app in a portal; return the signed-in browser and the setup page."""
    browser = browser or requests.Session()
    landing = consent(stack, browser, authorize_page(stack, browser), portal_id=portal_id)
    assert landing.status_code == 200, text_of(landing.text)
    return browser, landing


def callback_url(stack, browser: requests.Session, portal_id: int = DEMO_PORTAL) -> str:
    """Consent, but stop at HubSpot's redirect: the callback URL with its code and state."""
    reply = consent(
        stack, browser, authorize_page(stack, browser), portal_id=portal_id, follow=False
    )
    assert reply.status_code in (302, 303)
    return reply.headers["Location"]


def code_and_state(url: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(url).query)
    return query["code"][0], query["state"][0]


def post_step(
    stack, browser: requests.Session, path: str, data: dict, page: requests.Response
) -> requests.Response:
    """Submit a form of the setup stepper, as a browser without JavaScript does."""
    return browser.post(stack.app_url + path, data=dict(data, csrf_token=csrf_token(page.text)))


def connect_tripletex(stack, browser: requests.Session, token: str) -> requests.Response:
    page = browser.get(stack.app_url + "/setup/tripletex")
    return post_step(stack, browser, "/setup/tripletex", {"token": token}, page)


def confirm(stack, browser: requests.Session, path: str) -> requests.Response:
    """Open a destructive action's confirmation page and click its "Yes" button."""
    page = browser.get(stack.app_url + path)
    assert page.status_code == 200, text_of(page.text)
    return post_step(stack, browser, path, {"confirm": "yes"}, page)


def uninstall(stack, browser: requests.Session) -> requests.Response:
    """Click "Uninstall from HubSpot…", then "Yes, uninstall"."""
    return confirm(stack, browser, "/account/uninstall")


def disconnect_tripletex(stack, browser: requests.Session) -> requests.Response:
    """Click "Disconnect…" on the Tripletex step, then "Yes, disconnect"."""
    return confirm(stack, browser, "/setup/tripletex/disconnect")
