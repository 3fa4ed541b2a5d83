"""The embedded path a newcomer can try: the HubSpot sandbox's settings page frames the app.

From the sandbox's portal page to our settings page, whose signed hubspot.fetch call yields a
single-use URL that "Open setup" shows in an iframe modal, as HubSpot's openIframeModal does.
"""

import pytest
from playwright.sync_api import expect

from tests.journey import install

pytestmark = pytest.mark.browser


def test_the_sandbox_settings_page_opens_the_setup_in_an_iframe_modal(stack, page, shots):
    install(stack)
    page.goto(f"{stack.hubspot_url}/portals")
    page.get_by_role("link", name="Open Tripletex Sync's settings").click()
    expect(page.get_by_role("heading", name="Tripletex Sync for HubSpot")).to_be_visible()

    open_setup = page.get_by_role("button", name="Open setup")
    first_url = open_setup.get_attribute("data-uri")
    open_setup.click()
    modal = page.get_by_role("dialog", name="Tripletex Sync setup")
    expect(modal).to_be_visible()
    expect(modal.locator("iframe")).to_have_attribute("width", "1000")
    expect(modal.locator("iframe")).to_have_attribute("height", "760")
    frame = page.frame_locator("iframe")
    frame.locator("input[name=token]").fill("demo-employee-token")
    frame.get_by_role("button", name="Connect Tripletex", exact=True).click()
    expect(frame.locator("[data-check].ok")).to_have_count(9)
    shots(page, "12-sandbox-settings-page-en")

    # Closing the modal fetches a fresh URL, since each works once, and the new one signs in.
    modal.get_by_role("button", name="Close").click()
    expect(modal).to_be_hidden()
    expect(page.locator("[data-open-iframe-modal]")).not_to_have_attribute("data-uri", first_url)
    page.get_by_role("button", name="Open setup").click()
    expect(frame.locator("[data-plan]")).to_have_count(3)  # signed in again: the next step


def test_try_again_asks_the_app_once_more_without_leaving_the_page(stack, page):
    # The sandbox counts the app as installed before the app has heard of the portal.
    with stack.hubspot_sandbox.state.lock:
        stack.hubspot_sandbox.state.portals[4000001].installed = True
    page.goto(f"{stack.hubspot_url}/portals")
    page.get_by_role("link", name="Open Tripletex Sync's settings").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Tripletex Sync could not be reached")
    expect(alert).to_contain_text("The server answered 404. Please try again in a moment.")
    page.evaluate("window.stillHere = true")

    install(stack)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("button", name="Open setup")).to_be_visible()
    assert page.evaluate("window.stillHere") is True
