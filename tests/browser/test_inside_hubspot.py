"""The stepper inside HubSpot's settings iframe: a page on another site frames the app over HTTPS.

The sign-in URL comes from the HubSpot sandbox's signed request, exactly as the settings page
gets it with hubspot.fetch. Three browsers: one that keeps third-party cookies, one that blocks
them (Chromium still keeps our Partitioned cookie), and one that keeps no cookie from the app at
all, where only the session carried in the URL and htmx's headers can work.
"""

import pytest
import requests
from playwright.sync_api import expect

from .conftest import sign_in_url

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("cookies", ["third-party allowed", "third-party blocked", "none kept"])
def test_the_stepper_works_inside_hubspots_iframe(
    hubspot_installed, new_context, shots, browser_errors, cookies
):
    stack = hubspot_installed
    browser_errors.allow(r"status of 422")
    context = new_context(
        third_party_cookies=cookies == "third-party allowed", cookies=cookies != "none kept"
    )
    page = context.new_page()

    page.goto(stack.framed(sign_in_url(stack)))

    frame = page.frame_locator("#app-frame")
    token = frame.locator("input[name=token]")  # the first step still open
    expect(token).to_be_visible()
    frame.locator(".progress a[href*='/setup/hubspot']").click()  # htmx GET
    expect(frame.get_by_test_id("portal-id")).to_have_text("4000001")
    frame.get_by_role("link", name="Continue").click()
    token.fill("demo-revoked-token")
    frame.get_by_role("button", name="Connect Tripletex", exact=True).click()  # htmx POST
    expect(frame.locator("[data-problem]")).to_have_attribute(
        "data-problem", "employee_token_refused"
    )
    frame.locator("input[name=token]").fill("demo-employee-token")
    frame.get_by_role("button", name="Connect Tripletex", exact=True).click()
    expect(frame.locator("[data-check].ok")).to_have_count(9)
    if cookies == "third-party allowed":
        shots(page, "11-inside-hubspot-en")
    frame.get_by_role("link", name="Continue").click()
    expect(frame.locator("[data-plan]")).to_have_count(3)
    if cookies == "none kept":
        assert context.cookies() == []  # it all ran on the session the pages carried


def test_the_session_cookie_is_fit_for_a_third_party_frame(hubspot_installed):
    with requests.Session() as browser:
        reply = browser.get(sign_in_url(hubspot_installed), allow_redirects=False)
    cookie = reply.headers["Set-Cookie"]
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned"):
        assert attribute in cookie
    assert "X-Frame-Options" not in reply.headers


def test_only_hubspot_may_frame_the_app(make_stack, new_context, browser_errors):
    stack = make_stack(https=True, parent_may_frame=False)
    browser_errors.allow(r"frame-ancestors|Refused to frame|ERR_BLOCKED_BY_RESPONSE")
    page = new_context().new_page()
    page.goto(stack.framed("/"))
    policy = requests.get(stack.app_url + "/", verify=str(stack.ca_file)).headers[
        "Content-Security-Policy"
    ]
    assert "frame-ancestors 'self' https://app.hubspot.com https://*.hubspot.com" in policy
    expect(page.frame_locator("#app-frame").get_by_role("status")).to_have_count(0)
