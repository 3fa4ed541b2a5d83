"""The session carried in URLs inside HubSpot's frame never escapes it, in real Chromium.

A browser that keeps no cookie for the frame still works, because the session travels in the
frame's URLs and htmx's headers. Those URLs must never reach the address bar, and pasted into
another browser they must sign nobody in. A form left open past its token's life recovers in
place.
"""

import re

import pytest
from itsdangerous.timed import TimestampSigner
from playwright.sync_api import expect

from .conftest import sign_in_url

pytestmark = pytest.mark.browser


def open_in_hubspot(stack, new_context):
    """The app in HubSpot's frame, in a browser that stores no cookie at all."""
    context = new_context(cookies=False)
    page = context.new_page()
    page.goto(stack.framed(sign_in_url(stack)))
    frame = page.frame_locator("#app-frame")
    expect(frame.locator("input[name=token]")).to_be_visible()
    return context, page, frame


def frame_url(page) -> str:
    return next(f.url for f in page.frames if f.name == "" and f != page.main_frame)


def test_a_url_copied_from_the_frame_signs_nobody_in_elsewhere(
    hubspot_installed, new_context, browser_errors
):
    stack = hubspot_installed
    browser_errors.allow(r"status of 401")
    context, page, frame = open_in_hubspot(stack, new_context)
    carried = frame_url(page)
    assert "_s=" in carried  # the frame runs on the URL-carried session
    assert "_s=" not in page.url  # and the address bar never shows it

    # Pasted into another browser's address bar (a top-level navigation): not signed in.
    elsewhere = new_context(cookies=False).new_page()
    reply = elsewhere.goto(carried)
    assert reply.status == 401
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Open the app from HubSpot")
    expect(elsewhere.locator("main")).not_to_contain_text("4000001")


def test_a_frame_link_opened_in_a_new_tab_shows_no_session_in_its_address(
    hubspot_installed, new_context, browser_errors
):
    stack = hubspot_installed
    browser_errors.allow(r"status of 401")
    context, page, frame = open_in_hubspot(stack, new_context)
    link = frame.locator(".progress a[href*='/setup/hubspot']")
    assert "_s=" in link.get_attribute("href")

    # "Open link in new tab": a top-level load of the link's address, in the same browser.
    tab = context.new_page()
    tab.goto(stack.app_url + link.get_attribute("href"))

    assert tab.url == f"{stack.app_url}/setup/hubspot"
    expect(tab.get_by_role("heading", level=1)).to_have_text("Open the app from HubSpot")


def test_error_pages_inside_the_frame_keep_the_user_in_the_frame(
    hubspot_installed, new_context, browser_errors
):
    stack = hubspot_installed
    browser_errors.allow(r"status of 404")
    context, page, frame = open_in_hubspot(stack, new_context)
    app_frame = next(f for f in page.frames if f != page.main_frame)
    query = app_frame.url.split("?", 1)[1]
    app_frame.goto(f"{stack.app_url}/setup/nowhere?{query}")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Page not found")

    action = frame.get_by_role("link", name="Go to the start page")
    assert action.get_attribute("target") is None  # stays in the frame
    action.click()

    expect(frame.locator("main")).to_contain_text("You are signed in for HubSpot account 4000001")
    assert page.url.startswith(stack.parent_url)  # HubSpot is still around it
    assert "_s=" not in page.url


def test_links_that_leave_the_frame_never_carry_the_session(stack, page, browser_errors):
    browser_errors.allow(r"status of 401")
    page.goto(f"{stack.app_url}/setup/")
    leaving = page.get_by_role("link", name="Install in HubSpot")
    assert leaving.get_attribute("target") == "_top"
    assert leaving.get_attribute("href") == "/install"


def connect_later(frame, monkeypatch, seconds: int) -> None:
    """Paste the token, then click Connect `seconds` later on the app's signing clock."""
    frame.locator("input[name=token]").fill("demo-employee-token")
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + seconds)
    frame.get_by_role("button", name="Connect Tripletex", exact=True).click()


def test_a_form_left_open_past_its_token_recovers_in_place(
    hubspot_installed, new_context, monkeypatch, browser_errors
):
    stack = hubspot_installed
    browser_errors.allow(r"status of 400")
    context, page, frame = open_in_hubspot(stack, new_context)

    # 62 minutes later: the form's CSRF token (an hour) has lapsed, the session (two) has not.
    connect_later(frame, monkeypatch, 62 * 60)

    expect(frame.get_by_test_id("form-expired")).to_contain_text("nothing was sent")
    expect(frame.locator(".progress li.current")).to_contain_text("Connect Tripletex")
    assert page.url.startswith(stack.parent_url)
    frame.locator("input[name=token]").fill("demo-employee-token")
    frame.get_by_role("button", name="Connect Tripletex", exact=True).click()
    expect(frame.locator("[data-check].ok")).to_have_count(9)


def test_a_form_sent_after_the_session_ended_says_so(
    hubspot_installed, new_context, monkeypatch, browser_errors
):
    stack = hubspot_installed
    browser_errors.allow(r"status of 401")
    context, page, frame = open_in_hubspot(stack, new_context)

    connect_later(frame, monkeypatch, 3 * 3600)  # past the session's two hours

    expect(frame.locator("[role=alert] h1")).to_have_text("Your session has ended")
    expect(frame.locator("[role=alert]")).to_contain_text("from the app's settings in HubSpot")
    assert not re.search(r"expired", frame.locator("[role=alert]").inner_text())
