"""The stand-in for HubSpot's settings page, against a stub of our backend: the signed call
Settings.jsx makes, and the state it shows for each answer."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask, request

from tests.servers import serving
from webapp.clients.hubspot_signature import verify_v3
from webapp.sandbox.hubspot.settings_extension import TEXT

from .conftest import APP_ID, CLIENT_SECRET, DEMO, EMPTY, install

JSX = Path(__file__).resolve().parents[3] / "hubspot/src/app/settings/Settings.jsx"
PAGE = "/integrations-settings/{portal}/installed/framework/1000001/general-settings"


class Backend:
    """Our backend's session endpoint, answering `replies` in turn, then fresh sign-in URLs."""

    def __init__(self):
        self.calls: list[dict] = []
        self.replies: list = []
        self.numbers = itertools.count(1)
        self.app = Flask("backend")
        self.app.add_url_rule("/hubspot/settings/session", view_func=self.session, methods=["POST"])

    def session(self):
        self.calls.append(
            {
                "url": request.host_url.rstrip("/") + request.environ["RAW_URI"],
                "args": request.args.to_dict(),
                "headers": dict(request.headers),
                "body": request.get_data(),
            }
        )
        if self.replies:
            return self.replies.pop(0)
        return {"url": f"{self.url}/hubspot/settings/open?login=token-{next(self.numbers)}"}


@pytest.fixture(scope="module")
def _backend():
    backend = Backend()
    with serving(backend.app) as url:
        backend.url = url
        yield backend


@pytest.fixture
def backend(_backend, sb):
    _backend.calls.clear()
    _backend.replies.clear()
    _backend.numbers = itertools.count(1)
    sb.settings["app_target"] = _backend.url  # the sb fixture restores the settings
    return _backend


def settings_page(base, portal: int = DEMO, **query) -> requests.Response:
    return requests.get(base + PAGE.format(portal=portal), params=query)


def open_button(page: str) -> dict:
    """The "Open setup" button's openIframeModal arguments, as the page's script reads them."""
    button = re.search(r"<button[^>]*data-open-iframe-modal[^>]*>([^<]*)</button>", page)
    assert button, "the page shows no Open setup button"
    attributes = dict(re.findall(r'data-(uri|width|height|title)="([^"]*)"', button.group(0)))
    return {**{k: html.unescape(v) for k, v in attributes.items()}, "label": button.group(1)}


def test_the_page_makes_settings_jsx_signed_call_as_the_chosen_hubspot_user(base, backend, clock):
    install(base)
    page = settings_page(base, userId=7000002, locale="nb")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    (call,) = backend.calls
    assert urlsplit(call["url"]).path == "/hubspot/settings/session"
    assert call["args"] == {
        "userId": "7000002",
        "userEmail": "ola.selger@nordisk-demo.no",
        "portalId": str(DEMO),
        "appId": str(APP_ID),
    }
    assert call["body"] == b'{"locale": "nb"}'
    assert call["headers"]["Content-Type"] == "application/json"
    verify_v3(
        CLIENT_SECRET,
        "POST",
        call["url"],
        call["body"],
        call["headers"]["X-Hubspot-Request-Timestamp"],
        call["headers"]["X-Hubspot-Signature-V3"],
        now_ms=int(clock.now() * 1000),
    )
    assert open_button(page.text) == {
        "uri": f"{backend.url}/hubspot/settings/open?login=token-1",
        "width": "1000",
        "height": "760",
        "title": "Oppsett av Tripletex Sync",
        "label": "Åpne oppsettet",
    }
    assert TEXT["nb"]["intro"] in page.text


def test_the_first_user_looks_by_default_in_english(base, backend):
    install(base)
    page = settings_page(base)
    assert backend.calls[0]["args"]["userEmail"] == "kari.admin@nordisk-demo.no"
    assert backend.calls[0]["body"] == b'{"locale": "en"}'
    assert open_button(page.text)["label"] == "Open setup"


def test_each_refresh_of_the_extension_asks_for_a_fresh_url(base, backend):
    install(base)
    settings_page(base)
    refresh = base + PAGE.format(portal=DEMO) + "/extension?userId=7000001&locale=en"
    again = [open_button(requests.post(refresh).text)["uri"] for _ in range(2)]
    assert [u.rsplit("-", 1)[1] for u in again] == ["2", "3"] and len(backend.calls) == 3


@pytest.mark.parametrize(
    "reply, message",
    [
        (("down for maintenance", 503), "The server answered 503."),
        (({"error": "not_installed"}, 404), "The server answered 404."),
        (
            ({"url": "https://elsewhere.example/hubspot/settings/open?login=x"}, 200),
            "The server sent an unexpected answer.",
        ),
        (("<html>not json</html>", 200), "The server sent an unexpected answer."),
    ],
)
def test_a_bad_answer_shows_the_extensions_error_state_with_try_again(
    base, backend, reply, message
):
    install(base)
    backend.replies = [reply, reply]  # a 5xx is retried once, as hubspot.fetch does
    page = settings_page(base).text
    assert "Tripletex Sync could not be reached" in page
    assert f"{message} Please try again in a moment." in page
    assert re.search(r'<form method="get" action="[^"]+" data-reload>', page)
    assert ">Try again</button>" in page and "data-open-iframe-modal" not in page


def test_an_unreachable_app_shows_the_error_state_in_bokmal(base, sb):
    install(base)
    sb.settings["app_target"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    page = settings_page(base, locale="nb").text
    assert "Fikk ikke kontakt med Tripletex Sync" in page
    assert "hubspot.fetch failed: ConnectionError. Prøv igjen om litt." in page
    assert ">Prøv igjen</button>" in page


def test_a_portal_without_the_app_links_to_its_install_url_and_calls_nothing(base, backend):
    page = settings_page(base, EMPTY).text
    assert "Tripletex Sync for HubSpot is not installed in Tom Testportal AS" in page
    assert f'href="{backend.url}/install"' in page and backend.calls == []


@pytest.mark.parametrize(
    "path, query, message",
    [
        (PAGE.format(portal=4000099), {}, "This sandbox has no HubSpot account 4000099."),
        (PAGE.format(portal=DEMO), {"userId": "42"}, "Nordisk Demo AS has no user 42."),
        (
            PAGE.format(portal=DEMO).replace("1000001", "1000002"),
            {},
            "App 1000002 is not an app of this sandbox.",
        ),
    ],
)
def test_an_unknown_portal_user_or_app_gets_an_html_404(base, backend, path, query, message):
    reply = requests.get(base + path, params=query)
    assert reply.status_code == 404 and reply.headers["Content-Type"].startswith("text/html")
    assert message in reply.text and backend.calls == []


def test_the_portal_page_lists_each_portal_and_links_installed_ones_to_the_settings(base, backend):
    install(base)
    page = requests.get(f"{base}/portals")
    assert (
        page.status_code == 200
        and "frame-src " + backend.url in page.headers["Content-Security-Policy"]
    )
    rows = dict(re.findall(r'<tr data-portal="(\d+)">(.*?)</tr>', page.text, re.S))
    assert set(rows) == {str(DEMO), str(EMPTY)}
    assert "Nordisk Demo AS" in rows[str(DEMO)] and 'data-installed="true"' in rows[str(DEMO)]
    assert (
        f'<a href="{PAGE.format(portal=DEMO)}">Open Tripletex Sync\'s settings</a>'
        in html.unescape(rows[str(DEMO)])
    )
    assert 'data-installed="false"' in rows[str(EMPTY)]
    assert f'<a href="{backend.url}/install">Install Tripletex Sync</a>' in rows[str(EMPTY)]


def jsx_text() -> dict:
    """Read the TEXT table of Settings.jsx: string literals joined, `${status}` as {status}."""
    table = JSX.read_text(encoding="utf-8").split("const TEXT = {", 1)[1].split("\n};", 1)[0]
    found = {}
    for locale, block in re.findall(r"\n  (\w+): \{(.*?)\n  \},", table, re.S):
        entries = re.findall(r"\n    (\w+): (.*?),(?=\n    \w+:|\n?$)", block, re.S)
        found[locale] = {key: _literal(value) for key, value in entries}
    return found


def _literal(value: str) -> str:
    """Return a JS string expression's text: "a " + "b", or an arrow function's template."""
    if "=>" in value:  # (status) => `The server answered ${status}.`
        return re.search(r"`([^`]*)`", value).group(1).replace("${status}", "{status}")
    return "".join(re.findall(r'"([^"]*)"', value))


def test_the_words_are_those_of_settings_jsx():
    assert jsx_text() == TEXT
