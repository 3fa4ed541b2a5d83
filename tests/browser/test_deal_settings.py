"""The deal settings page in Chromium: each pipeline's stage rule chosen and saved, and a held
deal listed with its reason, fixed in HubSpot and retried."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_first_sync import planned
from tests.sync.conftest import Synced
from tests.sync.test_deals import association, deals, new_deal, win_and_run
from tests.sync.test_live import run
from webapp.collaborators import Collaborators
from webapp.sandbox.hubspot.demo import PROJECT_PIPELINE
from webapp.sync.settings import KEY

pytestmark = pytest.mark.browser


def stored(stack) -> dict:
    with Collaborators.opened(stack.app.config) as c:
        return c.installations.setting(4000001, KEY) or {}


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_stage_rules_are_saved_and_a_held_deal_is_retried_once_fixed(
    stack, new_context, javascript, shots, browser_errors
):
    browser_errors.allow(r"settings/deals: .*status of 422")  # the refusal below
    page = new_context(java_script_enabled=javascript).new_page()
    planned(stack, page)
    synced = Synced(stack)
    synced.backfill()
    company = sorted(synced.companies(), key=int)[0]
    deal_id = new_deal(synced, "Uten linjer", company=company, amount="900")
    win_and_run(synced, deal_id)

    page.goto(f"{stack.app_url}/setup/done")
    held = page.get_by_test_id("held-deals")
    expect(held.locator(f"tr[data-hubspot-id='{deal_id}']")).to_contain_text(
        "Deal Uten linjer has no line items."
    )
    page.get_by_test_id("deal-settings-link").click()
    expect(page).to_have_url(f"{stack.app_url}/settings/deals")

    # Each of the portal's pipelines, its won stage found by its metadata.
    project = page.get_by_test_id(f"pipeline-{PROJECT_PIPELINE}")
    expect(project.locator("select option:checked")).to_have_text("Prosjekt vunnet")
    expect(project.get_by_label("Create the order and invoice it")).to_be_checked()
    default = page.get_by_test_id("pipeline-default")
    expect(default.locator("select option:checked")).to_have_text("Closed Won")
    if javascript:
        shots(page, "40-deal-settings")

    # A default product the policy needs but Tripletex lacks: refused, nothing saved.
    page.get_by_label("Invoice its amount on the default product").check()
    page.get_by_label("Default product (its Tripletex product number)").fill("FINNES-IKKE")
    page.get_by_role("button", name="Save deal settings").click()
    expect(page.locator(".field-error")).to_contain_text("Tripletex has no product numbered")
    assert "deal_without_lines" not in stored(stack)

    page.get_by_label("Hold it until it has line items").check()
    project = page.get_by_test_id(f"pipeline-{PROJECT_PIPELINE}")
    project.locator("select").select_option("1001002")
    project.get_by_label("Create the order only").check()
    page.get_by_label("A number of days after the invoice date").check()
    page.get_by_label("Days until due").fill("30")
    page.get_by_role("button", name="Save deal settings").click()
    expect(page.get_by_test_id("saved")).to_be_visible()
    saved = stored(stack)
    assert saved["stage_rules"][PROJECT_PIPELINE] == {"stage": "1001002", "action": "order"}
    assert saved["stage_rules"]["default"] == {"stage": "closedwon", "action": "invoice"}
    assert (saved["due"], saved["due_days"], saved["send_to_customer"]) == ("days", 30, False)

    # The person adds a line in HubSpot, then presses Retry.
    synced.hubspot_control(
        "POST",
        "objects/line_items",
        {
            "properties": {"name": "Konsulenttime", "quantity": "1", "price": "900"},
            "associations": [association(deal_id, 20)],
        },
    )
    held = page.get_by_test_id("held-deals")
    held.locator(f"tr[data-hubspot-id='{deal_id}']").get_by_role("button", name="Retry").click()
    if javascript:
        expect(page.get_by_test_id("retrying")).to_be_visible()
    run(synced)  # what the worker does with the queued retry
    page.goto(f"{stack.app_url}/settings/deals")
    expect(page.get_by_test_id("no-held")).to_be_visible()
    assert deals(synced)[deal_id]["tripletex_invoice_status"] == "invoiced"
