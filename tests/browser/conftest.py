"""Real-browser fixtures: Debian's Chromium driven by Playwright, and the whole stack on loopback.

A test asks for `stack` (or `https_stack`) and `page` (or `new_context(...)`), and every
context made through these fixtures is watched: an uncaught page error, a console error, or a
failed or 5xx request to our own origins fails the test after its body has passed. Every such
context is traced too; a failed test leaves its traces in test-artifacts/traces/ (open one with
`playwright show-trace <file>`), a passed one leaves nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.journey import install

from .errors import BrowserErrors

ROOT = Path(__file__).resolve().parents[2]
# `make screenshots` points this at docs/screenshots (the README's images); a plain test run
# writes to the ignored test-artifacts/ so it leaves the checkout clean.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "test-artifacts" / "screenshots")
TRACES = ROOT / "test-artifacts" / "traces"
TIMEOUT_MS = 10_000

# Chromium as root on a machine with no display and no network but loopback.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Chromium's "Block third-party cookies" setting, the profile preference
# profile.cookie_controls_mode: 0 allows them, 1 blocks them. Chromium 156 defaults to 1, and
# --test-third-party-cookie-phaseout no longer overrides an "allow", so both browsers set the
# preference. Partitioned (CHIPS) cookies are kept either way.
COOKIE_CONTROLS_MODE = {True: 0, False: 1}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a browser test whose body passed but whose pages reported problems."""
    __tracebackhide__ = True
    errors: BrowserErrors | None = item.funcargs.get("browser_errors")
    try:
        result = yield
    except BaseException:
        if errors is not None and errors.unexpected():
            item.add_report_section("call", "browser", "\n".join(errors.unexpected()))
        raise
    if errors is not None:
        errors.check()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Tell the test's traces it failed (in any phase), so its teardown keeps them."""
    report = yield
    traces: Traces | None = item.funcargs.get("browser_traces")
    if traces is not None and report.failed:
        traces.failed = True
    return report


class Traces:
    """Playwright traces of one test's contexts, saved as <test name>.zip if the test fails."""

    def __init__(self, test_name: str, folder: Path = TRACES):
        self.stem = re.sub(r"[^\w.\[\]-]+", "_", test_name)
        self.folder = folder
        self.failed = False
        self.started: list[BrowserContext] = []

    def start(self, context: BrowserContext) -> None:
        context.tracing.start(screenshots=True, snapshots=True)
        self.started.append(context)

    def stop(self, context: BrowserContext) -> Path | None:
        """Save the context's trace if the test failed, else throw it away; return the file."""
        if not self.failed:
            context.tracing.stop()
            return None
        number = self.started.index(context) + 1
        path = self.folder / f"{self.stem}{f'-{number}' if number > 1 else ''}.zip"
        self.folder.mkdir(parents=True, exist_ok=True)
        context.tracing.stop(path=path)
        return path


@pytest.fixture
def browser_traces(request) -> Traces:
    """The traces of this test's browser contexts (new_context starts and stops them)."""
    return Traces(request.node.name)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Debian's chromium is not on PATH: `make test` installs it "
            "(apt-get install --no-install-recommends chromium)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def _playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def launch_browser(_playwright, chromium_path, tmp_path_factory):
    """Launch Chromium with a fresh profile; `third_party_cookies=False` blocks them."""
    launched: list[BrowserContext] = []

    def launch(*, third_party_cookies: bool = True, cookies: bool = True) -> Browser:
        profile = tmp_path_factory.mktemp("chromium-profile")
        (profile / "Default").mkdir()
        preferences = {"cookie_controls_mode": COOKIE_CONTROLS_MODE[third_party_cookies]}
        if not cookies:
            # Settings, Privacy, Cookies: "Don't allow sites to save data" (2 = block).
            preferences["default_content_setting_values"] = {"cookies": 2}
        (profile / "Default" / "Preferences").write_text(json.dumps({"profile": preferences}))
        # A persistent context is the only way to start with preferences; the tests use fresh
        # contexts of its browser, which inherit the profile's cookie setting.
        persistent = _playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium_path, args=CHROMIUM_FLAGS
        )
        launched.append(persistent)
        return persistent.browser

    yield launch
    for persistent in launched:
        persistent.close()


@pytest.fixture(scope="session")
def browser(launch_browser) -> Browser:
    """Chromium that accepts third-party cookies, as desktop Chrome does out of the box."""
    return launch_browser(third_party_cookies=True)


@pytest.fixture(scope="session")
def browser_blocking_third_party_cookies(launch_browser) -> Browser:
    """Chromium with "Block third-party cookies" on: a cross-site frame keeps only partitioned
    cookies."""
    return launch_browser(third_party_cookies=False)


@pytest.fixture(scope="session")
def browser_keeping_no_cookies(launch_browser) -> Browser:
    """Chromium that stores no cookie for any site: only a session carried in URLs and headers
    can work. Fetch Metadata is sent as usual (request interception would drop it)."""
    return launch_browser(cookies=False)


@pytest.fixture
def browser_errors() -> BrowserErrors:
    """What went wrong in the browser during this test; `.allow(regex)` excuses expected errors."""
    return BrowserErrors()


@pytest.fixture
def new_context(request, browser_errors, browser_traces):
    """Make a watched, traced browser context (closed after the test); options go to
    Playwright."""
    made: list[BrowserContext] = []

    def make(
        *, third_party_cookies: bool = True, cookies: bool = True, **options
    ) -> BrowserContext:
        owner = request.getfixturevalue(
            "browser_keeping_no_cookies"
            if not cookies
            else "browser"
            if third_party_cookies
            else "browser_blocking_third_party_cookies"
        )
        options.setdefault("ignore_https_errors", True)  # the HTTPS stack's self-signed cert
        context = owner.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        browser_traces.start(context)
        return browser_errors.watch(context)

    yield make
    for context in made:
        try:
            browser_traces.stop(context)  # before the close, which would lose the trace
        finally:
            context.close()


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


@pytest.fixture
def https_stack(make_stack):
    """The stack with the app on https://127.0.0.1 and a parent site on https://localhost."""
    return make_stack(https=True)


@pytest.fixture
def hubspot_installed(https_stack, monkeypatch):
    """The HTTPS stack with the app installed in the demo portal."""
    # The sandbox and our test client call the app over HTTPS with its self-signed certificate.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(https_stack.ca_file))
    with requests.Session() as browser:
        install(https_stack, browser)
    return https_stack


def sign_in_url(stack, portal_id: int = 4000001) -> str:
    """The single-use URL the settings page gets from its signed hubspot.fetch call."""
    reply = requests.post(
        stack.hubspot_url + "/_sandbox/fetch",
        json={
            "method": "POST",
            "url": stack.app_url + "/hubspot/settings/session",
            "portalId": portal_id,
            "body": {"locale": "en-us"},
        },
    ).json()
    assert reply["status"] == 200, reply
    return reply["body"]["url"]


class Shots:
    """Save full-page screenshots as <folder>/<name>.png, for the README."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self, page: Page, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.png"
        page.screenshot(path=path, full_page=True, animations="disabled")
        return path


@pytest.fixture
def shots() -> Shots:
    return Shots(SCREENSHOTS)
