"""The browser harness itself: Chromium reaches the stack, over HTTP and framed over HTTPS."""

import pytest
import requests
from flask import Flask, make_response, request
from playwright.sync_api import expect

from tests.certs import self_signed, server_context
from tests.servers import serving

pytestmark = pytest.mark.browser


def test_the_stack_wires_the_app_to_both_sandboxes_with_demo_data(stack):
    config, hubspot = stack.app.config, stack.hubspot_sandbox.settings
    assert config["SANDBOX_MODE"] is True
    assert config["HUBSPOT_CLIENT_ID"] == hubspot["client_id"]
    assert config["HUBSPOT_CLIENT_SECRET"] == hubspot["client_secret"]
    assert config["HUBSPOT_APP_ID"] == str(hubspot["app_id"])
    assert hubspot["redirect_uris"] == [f"{stack.app_url}/oauth/callback"]
    assert hubspot["webhook_target_url"] == f"{stack.app_url}/hubspot/webhooks"
    assert config["TRIPLETEX_CONSUMER_TOKEN"] == stack.tripletex_sandbox.settings["consumer_token"]
    assert (
        config["TRIPLETEX_APPLICATION_NAME"] == stack.tripletex_sandbox.settings["application_name"]
    )

    assert requests.get(f"{stack.app_url}/healthz", timeout=5).json()["sandbox_mode"] is True
    assert requests.get(f"{stack.hubspot_url}/_sandbox/portals", timeout=5).json()["results"]
    assert requests.get(f"{stack.tripletex_url}/_sandbox/companies", timeout=5).json()["companies"]


def test_home_page_shows_the_sandbox_banner(stack, page, browser_errors):
    page.goto(stack.app_url + "/")

    expect(page.get_by_role("status")).to_contain_text("Sandbox mode")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tripletex Sync for HubSpot")
    browser_errors.check()


def test_app_renders_inside_a_cross_site_frame_over_https(https_stack, page):
    assert https_stack.app_url.startswith("https://127.0.0.1:")
    assert https_stack.app.config["PUBLIC_BASE_URL"] == https_stack.app_url

    page.goto(https_stack.framed("/"))

    assert page.url.startswith("https://localhost:")
    frame = page.frame_locator("#app-frame")
    expect(frame.get_by_role("status")).to_contain_text("Sandbox mode")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Tripletex Sync for HubSpot")


def other_site() -> Flask:
    """A site apart from the stack: it sets and shows cookies, and it can go wrong on purpose."""
    jar = Flask("other_site")

    @jar.get("/set")
    def set_cookies():
        response = make_response('<p id="jar">set</p>')
        response.set_cookie("plain", "1", secure=True, samesite="None")
        response.set_cookie("chips", "1", secure=True, samesite="None", partitioned=True)
        return response

    @jar.get("/read")
    def read_cookies():
        return f'<p id="jar">{" ".join(sorted(request.cookies))}</p>'

    @jar.get("/broken")
    def broken():
        return """<p id="jar">loading</p>
            <script>console.error("boom in the console")</script>
            <script>throw new Error("boom uncaught")</script>
            <script>fetch("/fail").then(() => {
              document.getElementById("jar").textContent = "done" })</script>"""

    @jar.get("/fail")
    def fail():
        return "boom on the server", 500

    return jar


@pytest.fixture
def other(tmp_path):
    """The base URL of other_site() over HTTPS on 127.0.0.1."""
    tls = server_context(*self_signed(tmp_path / "other-tls"))
    with serving(other_site(), ssl_context=tls, poll_interval=0.05) as url:
        yield url


@pytest.mark.parametrize("third_party_cookies, kept", [(True, "chips plain"), (False, "chips")])
def test_blocking_third_party_cookies_leaves_a_cross_site_frame_only_partitioned_ones(
    https_stack, other, new_context, third_party_cookies, kept
):
    page = new_context(third_party_cookies=third_party_cookies).new_page()
    page.goto(https_stack.framed(f"{other}/set"))
    expect(page.frame_locator("#app-frame").locator("#jar")).to_have_text("set")

    page.goto(https_stack.framed(f"{other}/read"))

    expect(page.frame_locator("#app-frame").locator("#jar")).to_have_text(kept)


def test_errors_inside_a_cross_site_frame_are_reported(https_stack, other, page, browser_errors):
    page.goto(https_stack.framed(f"{other}/broken"))
    expect(page.frame_locator("#app-frame").locator("#jar")).to_have_text("done")

    with pytest.raises(AssertionError) as failure:
        browser_errors.check()

    report = str(failure.value)
    assert "console error" in report and "boom in the console" in report
    assert "uncaught error" in report and "boom uncaught" in report
    assert f"GET {other}/fail answered 500" in report
    browser_errors.allow(".")  # they were the point of this test


def test_shots_saves_a_full_page_png(stack, page, shots, tmp_path):
    shots.folder = tmp_path / "screenshots"  # not the README's own pictures
    page.goto(stack.app_url + "/")

    path = shots(page, "home")

    assert path == tmp_path / "screenshots" / "home.png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
