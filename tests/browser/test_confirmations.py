"""Disconnect and Uninstall ask first, on a real page, with JavaScript and without."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def installed_and_connected(stack, page: Page) -> None:
    page.goto(f"{stack.app_url}/install")
    page.get_by_role("button", name="Allow and install").click()
    page.goto(f"{stack.app_url}/setup/tripletex")
    page.locator("input[name=token]").fill("demo-employee-token")
    page.get_by_role("button", name="Connect Tripletex", exact=True).click()
    expect(page).to_have_url(f"{stack.app_url}/setup/check")


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def user_page(request, new_context) -> Page:
    return new_context(java_script_enabled=request.param == "with JavaScript").new_page()


def test_disconnect_asks_first_and_cancel_keeps_the_connection(stack, user_page, shots):
    page = user_page
    installed_and_connected(stack, page)
    page.goto(f"{stack.app_url}/setup/tripletex")

    page.get_by_role("link", name="Disconnect…").click()
    confirm = page.get_by_test_id("confirm-disconnect")
    expect(confirm).to_contain_text("Disconnect Nordvik Demo AS from HubSpot Nordisk Demo AS?")
    expect(confirm).to_contain_text("still exists in Tripletex")
    shots(page, "14-confirm-disconnect-en")
    confirm.get_by_role("link", name="Cancel").click()
    expect(page.get_by_test_id("company-name")).to_have_text("Nordvik Demo AS")

    page.get_by_role("link", name="Disconnect…").click()
    page.get_by_role("button", name="Yes, disconnect").click()
    expect(page.locator("input[name=token]")).to_be_visible()
    expect(page.get_by_test_id("tripletex-connected")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("tripletex-connected")).to_have_count(0)


def test_uninstall_asks_first_and_cancel_keeps_the_app(stack, user_page, browser_errors):
    browser_errors.allow(r"status of 401")
    page = user_page
    installed_and_connected(stack, page)
    page.goto(f"{stack.app_url}/setup/plan")
    page.get_by_role("button", name="Choose plan").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/first_sync")
    page.locator(".progress a[href$='/setup/done']").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/done")

    page.locator(".danger-zone summary").click()
    page.get_by_role("link", name="Uninstall from HubSpot…").click()
    dialog = page.get_by_test_id("confirm-uninstall")
    expect(dialog).to_contain_text("Uninstall Tripletex Sync from Nordisk Demo AS?")
    expect(dialog).to_contain_text("Nothing is deleted in HubSpot or Tripletex")
    dialog.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/done")
    expect(page.locator("#stepper")).to_contain_text("You are set up.")

    page.goto(f"{stack.app_url}/account/uninstall")
    page.get_by_role("button", name="Yes, uninstall").click()
    expect(page.get_by_test_id("uninstalled")).to_contain_text("The app is uninstalled")
    assert page.goto(f"{stack.app_url}/setup/").status == 401  # signed out with it
