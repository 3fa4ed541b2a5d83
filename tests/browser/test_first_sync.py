"""The First sync step in Chromium: the preview, a choice the rules could not make, confirm,
progress to the end, and the Done page's live state, with a worker running as `make run` has.
"""

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.test_confirmations import installed_and_connected
from tests.worker_thread import worker
from webapp.collaborators import Collaborators

pytestmark = pytest.mark.browser

TWIN = "Tvilling Handel AS"


def twins(stack) -> list[int]:
    """Two Tripletex customers with one name, and a HubSpot company with that name: the name
    rule finds both, so the person must say which it is."""
    with Collaborators.opened(stack.app.config) as c:
        client = c.tripletex(4000001)
        ids = [client.create("/customer", {"name": TWIN, "email": f"{n}@tvilling.no"})["id"]
               for n in ("post", "faktura")]  # fmt: skip
    made = requests.post(
        f"{stack.hubspot_url}/_sandbox/portals/4000001/objects/companies",
        json={"properties": {"name": TWIN}},
        timeout=10,
    )
    assert made.ok, made.text
    return ids


def planned(stack, page: Page) -> None:
    installed_and_connected(stack, page)
    page.goto(f"{stack.app_url}/setup/plan")
    page.get_by_role("button", name="Choose plan").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/first_sync")


def test_the_first_sync_from_preview_to_the_live_state(stack, page, shots):
    planned(stack, page)
    first, second = twins(stack)
    with worker(stack.app):
        page.get_by_role("button", name="Show what the first sync will do").click()
        counts = page.get_by_test_id("preview-counts")
        expect(counts).to_be_visible(timeout=30_000)  # the worker read both services
        expect(counts.locator("[data-outcome='companies:will_link'] strong")).to_have_text("6")
        expect(counts.locator("[data-outcome='companies:ambiguous'] strong")).to_have_text("1")
        expect(counts.locator("[data-outcome='companies:invalid'] strong")).to_have_text("4")
        shots(page, "20-first-sync-preview")

        # The one the rules could not settle comes first; the person picks the second customer.
        row = page.locator("[data-outcome=ambiguous]").first
        expect(row).to_contain_text(TWIN)
        row.locator(f"input[value='{second}']").check()
        row.get_by_role("button", name="Save choice").click()
        expect(page.locator("[data-outcome=ambiguous]").first).to_contain_text(
            "Will link to the customer you chose."
        )
        expect(counts.locator("[data-outcome='companies:ambiguous']")).to_have_count(0)

        # The search narrows the table without leaving the step.
        page.get_by_label("Name contains").fill("Fjordkraft")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_test_id("preview-table").locator("tbody tr")).to_have_count(1)
        shots(page, "21-first-sync-search")

        page.get_by_role("button", name="Start the first sync").click()
        expect(page.get_by_test_id("first-sync-finished")).to_be_visible(timeout=60_000)
        shots(page, "22-first-sync-finished")
        page.get_by_role("link", name="See the sync's state").click()

    expect(page).to_have_url(f"{stack.app_url}/setup/done")
    live = page.get_by_test_id("live-state")
    expect(live.locator("[data-type=companies] td").first).to_have_text("26")  # 25 and the twin
    expect(page.locator(".progress li.done")).to_have_count(6)
    expect(page.get_by_test_id("latest-log")).to_be_visible()
    shots(page, "23-done-live-state")
    with Collaborators.opened(stack.app.config) as c:
        twin = next(
            r for r in c.mappings.db.query(
                "select tripletex_id from mappings where hubspot_type = 'companies' "
                "and tripletex_id in (?, ?)", [first, second]
            )
        )  # fmt: skip
    assert twin["tripletex_id"] == second


def test_the_first_sync_step_works_without_javascript(stack, new_context):
    page = new_context(java_script_enabled=False).new_page()
    planned(stack, page)
    with worker(stack.app):
        page.get_by_role("button", name="Show what the first sync will do").click()
        # No polling without JavaScript: the page offers a link to look again.
        for _ in range(60):
            if page.get_by_test_id("preview-counts").count():
                break
            page.wait_for_timeout(500)
            page.reload()
        expect(page.get_by_test_id("preview-counts")).to_be_visible()
        page.get_by_role("button", name="Start the first sync").click()
        for _ in range(120):
            if page.get_by_test_id("first-sync-finished").count():
                break
            page.wait_for_timeout(500)
            page.reload()
        expect(page.get_by_test_id("first-sync-finished")).to_be_visible()
