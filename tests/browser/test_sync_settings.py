"""The sync's settings page in Chromium: reached from the Done step, saved with feedback."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_first_sync import planned
from webapp.collaborators import Collaborators
from webapp.sync.settings import KEY

pytestmark = pytest.mark.browser


def stored(stack) -> dict:
    with Collaborators.opened(stack.app.config) as c:
        return c.installations.setting(4000001, KEY) or {}


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_settings_are_chosen_from_the_portal_and_company_and_saved(
    stack, new_context, javascript, shots
):
    page = new_context(java_script_enabled=javascript).new_page()
    planned(stack, page)
    page.goto(f"{stack.app_url}/setup/done")
    page.get_by_test_id("sync-settings-link").click()
    expect(page).to_have_url(f"{stack.app_url}/settings/sync")
    # The portal's own company properties (the demo's orgnr is labelled Organisasjonsnummer).
    org = page.locator("select[name=org_number_property]")
    expect(org.locator("option:checked")).to_have_text("Organisasjonsnummer")
    # The company's own outgoing VAT codes, by code.
    vat = page.locator("select[name=vat_code]")
    expect(vat.locator("option[value='3']")).to_have_count(1)
    expect(vat.locator("option[value='33']")).to_have_count(1)
    if javascript:
        shots(page, "30-sync-settings")

    page.get_by_label("Organisation number, then exact name").check()
    page.get_by_label("Keep the company out of Tripletex until it is fixed").check()
    vat.select_option("33")
    page.get_by_label("Unlink it and make the Tripletex record inactive").check()
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_test_id("saved")).to_be_visible()
    saved = stored(stack)
    assert (
        saved["match_rules"],
        saved["invalid_org_number"],
        saved["vat_code"],
        saved["on_deletion"],
        saved["paused"],
    ) == (["org_number", "name"], "hold", "33", "deactivate", False)
    page.reload() if javascript else page.goto(f"{stack.app_url}/settings/sync")
    expect(page.get_by_label("Organisation number, then exact name")).to_be_checked()
    expect(vat.locator("option:checked")).to_have_attribute("value", "33")


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_a_product_is_mapped_by_hand_refused_with_a_reason_and_removed(
    stack, new_context, javascript, shots, browser_errors
):
    from webapp.sandbox import demo_data

    browser_errors.allow(r"settings/sync/products: .*status of 422")  # the refusal below
    products = demo_data.build()["products"]
    hubspot_sku = next(p for p in products if not p["in_tripletex"])["sku"]
    existing = next(p for p in products if p["in_tripletex"])
    page = new_context(java_script_enabled=javascript).new_page()
    planned(stack, page)
    page.goto(f"{stack.app_url}/settings/sync")
    section = page.get_by_test_id("product-choices")
    expect(section.get_by_test_id("no-choices")).to_be_visible()

    # A product HubSpot does not have: refused, with what to give instead, and nothing kept.
    section.get_by_label("HubSpot product (its ID, SKU or name)").fill("NO-SUCH-SKU")
    section.get_by_label("Tripletex product (its number or name)").fill(existing["sku"])
    section.get_by_role("button", name="Map it").click()
    section = page.get_by_test_id("product-choices")
    expect(section.locator(".field-error")).to_contain_text(
        "No HubSpot product has the ID, SKU or name “NO-SUCH-SKU”."
    )
    expect(section.get_by_label("Tripletex product (its number or name)")).to_have_value(
        existing["sku"]
    )

    section.get_by_label("HubSpot product (its ID, SKU or name)").fill(hubspot_sku)
    section.get_by_role("button", name="Map it").click()
    section = page.get_by_test_id("product-choices")
    row = section.get_by_test_id("choices").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(existing["sku"])
    expect(row).to_contain_text(existing["name"])
    if javascript:
        expect(section.get_by_test_id("choice-saved")).to_be_visible()
        shots(page, "31-product-mapping")
    with Collaborators.opened(stack.app.config) as c:
        chosen = c.product_choices.all(4000001)
    assert [(x.tripletex_number, x.tripletex_name) for x in chosen] == [
        (existing["sku"], existing["name"])
    ]

    row.get_by_role("button", name="Remove").click()
    expect(page.get_by_test_id("product-choices").get_by_test_id("no-choices")).to_be_visible()
    with Collaborators.opened(stack.app.config) as c:
        assert c.product_choices.all(4000001) == []
