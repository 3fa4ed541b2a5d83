"""The install journey in a real browser, top-level, in English and in Bokmål, with screenshots."""

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from webapp.web.i18n import TRANSLATIONS

pytestmark = pytest.mark.browser

with (TRANSLATIONS / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as _po:
    NB = read_po(_po, locale="nb")


def say(lang: str, text: str) -> str:
    """What the page shows for `text` in `lang` (the Bokmål from the catalogue's source)."""
    if lang != "nb":
        return text
    assert NB.get(text) is not None, f"the catalogue has no Bokmål for {text!r}"
    return NB.get(text).string


def stepper_problem(page: Page):
    return page.locator("#stepper [data-problem]")


@pytest.fixture(autouse=True)
def refusals_are_expected(browser_errors):
    # Chromium logs every 4xx as a console error; here they are the inline validation answers.
    browser_errors.allow(r"status of 422")


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_whole_install_journey(stack, page, shots, lang):
    page.goto(f"{stack.app_url}/?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    shots(page, f"01-start-{lang}")

    # HubSpot: pick the account, see the scopes, allow.
    page.get_by_test_id("install").click()
    expect(page.get_by_role("heading", name="Choose an account")).to_be_visible()
    expect(page.get_by_text("crm.objects.deals.write")).to_be_visible()
    shots(page, f"02-hubspot-consent-{lang}")
    page.get_by_role("button", name="Allow and install").click()

    # Step 1: the portal we were installed in, by its name in HubSpot.
    expect(page).to_have_url(f"{stack.app_url}/setup/hubspot")
    expect(page.get_by_test_id("portal-id")).to_have_text("4000001")
    expect(page.get_by_test_id("portal-name")).to_have_text("Nordisk Demo AS")
    expect(page.locator(".progress-text")).to_have_text(
        say(lang, "Step {n} of {total}").format(n=1, total=6)
    )
    shots(page, f"03-hubspot-connected-{lang}")
    page.get_by_role("link", name=say(lang, "Continue")).click()

    # Step 2: instructions, then the token.
    expect(page).to_have_url(f"{stack.app_url}/setup/tripletex")
    expect(page.locator("#app-name")).to_have_text("Tripletex Sync for HubSpot")
    shots(page, f"04-connect-tripletex-{lang}")
    token = page.locator("input[name=token]")
    connect = page.get_by_role("button", name=say(lang, "Connect Tripletex"), exact=True)

    connect.click()  # empty: refused in the page
    expect(page.locator("#token-feedback")).to_have_text(
        say(lang, "Paste the token you created in Tripletex.")
    )
    expect(token).to_have_attribute("aria-invalid", "true")

    token.fill("demo-employee\u200btoken")  # pasted with an invisible character
    expect(page.locator("#token-feedback")).to_have_text(
        say(lang, "The text contains invisible characters. Copy the token again from Tripletex.")
    )
    connect.click()
    expect(page.locator("#token-feedback .bad")).to_be_visible()
    shots(page, f"05-wrongly-pasted-token-{lang}")

    token.fill("demo-revoked-token")  # Tripletex refuses it
    expect(page.locator("#token-feedback .ok")).to_be_visible()
    connect.click()
    expect(stepper_problem(page)).to_have_attribute("data-problem", "employee_token_refused")
    expect(stepper_problem(page)).to_contain_text("Tripletex Sync for HubSpot")
    expect(page).to_have_url(f"{stack.app_url}/setup/tripletex")
    shots(page, f"06-revoked-token-{lang}")

    page.locator("input[name=token]").fill('  "demo-employee-token"  ')
    page.get_by_role("button", name=say(lang, "Connect Tripletex"), exact=True).click()

    # Step 3: the connection check, run at once; the company is named.
    expect(page).to_have_url(f"{stack.app_url}/setup/check")
    expect(page.locator("[data-check]")).to_have_count(9)
    expect(page.locator("[data-check].bad")).to_have_count(0)
    expect(page.locator("#stepper")).to_contain_text("Nordvik Demo AS")
    shots(page, f"07-connection-check-{lang}")

    page.locator(".progress a[href$='/setup/tripletex']").click()  # back to step 2
    expect(page.get_by_test_id("company-name")).to_have_text("Nordvik Demo AS")
    expect(page.get_by_test_id("company-orgnr")).to_have_text("858813999")
    shots(page, f"08-tripletex-connected-{lang}")
    page.get_by_role("link", name=say(lang, "Continue")).click()
    # Wait for the check step: clicked too soon, the second Continue would be step 2's again.
    expect(page).to_have_url(f"{stack.app_url}/setup/check")
    page.get_by_role("link", name=say(lang, "Continue")).click()

    # Step 4: a plan.
    expect(page).to_have_url(f"{stack.app_url}/setup/plan")
    expect(page.locator("[data-plan]")).to_have_count(3)
    expect(page.locator("[data-plan=free] .plan-name")).to_have_text(
        "Gratis" if lang == "nb" else "Free"
    )
    expect(page.get_by_test_id("sync-not-yet")).to_be_visible()
    shots(page, f"09-choose-plan-{lang}")
    page.locator("[data-plan=pro]").click()
    page.get_by_role("button", name=say(lang, "Choose plan")).click()

    # Step 5: the first sync waits to be asked (tests/browser/test_first_sync.py runs it).
    expect(page).to_have_url(f"{stack.app_url}/setup/first_sync")
    expect(
        page.get_by_role("button", name=say(lang, "Show what the first sync will do"))
    ).to_be_visible()
    shots(page, f"10-first-sync-{lang}")

    # Step 6: done is open without syncing (the plan, uninstalling), and survives a reload.
    page.locator(".progress a[href$='/setup/done']").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/done")
    expect(page.locator("#stepper")).to_contain_text(say(lang, "You are set up."))
    page.reload()
    expect(page.locator("#stepper")).to_contain_text(say(lang, "You are set up."))
    expect(page.locator(".progress li.done")).to_have_count(4)  # not the first sync, nor done
    expect(page.get_by_test_id("coming-next")).to_be_visible()  # says what is not here yet
    shots(page, f"11-done-{lang}")


def test_back_and_refresh_keep_the_step(stack, page):
    page.goto(f"{stack.app_url}/install")
    page.get_by_role("button", name="Allow and install").click()
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/tripletex")
    page.go_back()
    expect(page).to_have_url(f"{stack.app_url}/setup/hubspot")
    expect(page.get_by_test_id("portal-id")).to_have_text("4000001")
    page.go_forward()
    page.reload()
    expect(page.locator("input[name=token]")).to_be_visible()
    page.goto(f"{stack.app_url}/setup/done")  # not open yet: sent to the open step
    expect(page).to_have_url(f"{stack.app_url}/setup/tripletex")


def test_the_journey_works_without_javascript(stack, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{stack.app_url}/install")
    page.get_by_role("button", name="Allow and install").click()
    page.get_by_role("link", name="Continue").click()
    page.locator("input[name=token]").fill("")
    page.get_by_role("button", name="Connect Tripletex", exact=True).click()
    expect(page.locator("#token-feedback")).to_have_text(
        "Paste the token you created in Tripletex."
    )
    page.locator("input[name=token]").fill("demo-employee-token")
    page.get_by_role("button", name="Connect Tripletex", exact=True).click()
    expect(page).to_have_url(f"{stack.app_url}/setup/check")
    expect(page.locator("[data-check].ok")).to_have_count(9)
