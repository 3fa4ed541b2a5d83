"""What a user sees: nothing overflows a 375 px phone, the stepper's bars line up, labels keep
their colours, and plan names speak the user's language. Checked by measuring the page."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
LONG_EMAIL = "kari.nordmann.regnskapsavdelingen@nordvik-demo-regnskapskontor.example"

# Elements wider than the viewport, or reaching past its right edge (a sideways scroll).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width) wide.push("page scrolls sideways");
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 0.5 || box.left < -0.5)) {
      const where = `${Math.round(box.left)}..${Math.round(box.right)}`;
      wide.push(`${el.tagName.toLowerCase()}.${el.className} ${where}`);
    }
  }
  return wide;
}"""

BAR_TOPS = """() => [...document.querySelectorAll('.progress a, .progress .locked')]
  .map(el => Math.round(el.getBoundingClientRect().top))"""


def give_the_employee_a_long_email(stack) -> None:
    state = stack.tripletex_sandbox
    with state.lock:
        for company in state.companies.values():
            state.table(company["id"], "employee")[company["employee_id"]]["email"] = LONG_EMAIL


def assert_fits(page: Page, where: str) -> None:
    assert page.evaluate(OVERFLOWING) == [], where


def assert_bars_line_up(page: Page, where: str) -> None:
    tops = page.evaluate(BAR_TOPS)
    assert len(tops) == 6 and len(set(tops)) == 1, (where, tops)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_every_step_fits_a_phone_and_the_stepper_stays_on_one_line(stack, new_context, lang, shots):
    give_the_employee_a_long_email(stack)
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{stack.app_url}/install?lang={lang}")
    page.locator("button[name=decision][value=allow]").click()
    expect(page.get_by_test_id("portal-id")).to_have_text("4000001")
    page.wait_for_load_state("load")
    assert_fits(page, "hubspot")
    assert_bars_line_up(page, "hubspot")

    page.goto(f"{stack.app_url}/setup/tripletex")
    assert_fits(page, "tripletex, not connected")
    page.locator("input[name=token]").fill("demo-employee-token")
    page.locator("form.token-form button[type=submit]").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/check")
    assert_fits(page, "check")
    assert_bars_line_up(page, "check")

    page.goto(f"{stack.app_url}/setup/tripletex")
    expect(page.get_by_test_id("tripletex-connected")).to_contain_text(LONG_EMAIL)
    page.locator("details.replace summary").click()
    assert_fits(page, "tripletex, connected, with a long email")
    shots(page, f"13-phone-tripletex-connected-{lang}")
    page.locator(".connected a.danger").click()
    expect(page.get_by_test_id("confirm-disconnect")).to_be_visible()
    assert_fits(page, "confirm disconnect")

    page.goto(f"{stack.app_url}/setup/plan")
    assert_fits(page, "plan")
    page.locator("form.plans-form button[type=submit]").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/first_sync")
    assert_fits(page, "first sync")
    page.goto(f"{stack.app_url}/setup/done")
    assert_fits(page, "done")
    assert_bars_line_up(page, "done")
    page.goto(f"{stack.app_url}/account/uninstall")
    assert_fits(page, "confirm uninstall")


def test_the_stepper_bars_line_up_when_labels_wrap(stack, new_context):
    # 680 px: every label shows, and the longer ones wrap onto two lines.
    page = new_context(viewport={"width": 680, "height": 800}).new_page()
    page.goto(f"{stack.app_url}/install")
    page.get_by_role("button", name="Allow and install").click()
    expect(page.get_by_test_id("portal-id")).to_have_text("4000001")
    page.wait_for_load_state("load")  # the stylesheet is applied
    lines = page.evaluate("""() => [...document.querySelectorAll('.progress .label')]
        .map(el => el.getClientRects().length)""")
    assert max(lines) > 1 and min(lines) == 1  # some labels wrap here, others do not
    assert_bars_line_up(page, "labels wrapping")


def test_the_token_label_keeps_its_colour_on_a_connected_step(stack, page):
    page.goto(f"{stack.app_url}/install")
    page.get_by_role("button", name="Allow and install").click()
    page.goto(f"{stack.app_url}/setup/tripletex")
    ink = page.locator("label[for=token]").evaluate("el => getComputedStyle(el).color")
    page.locator("input[name=token]").fill("demo-employee-token")
    page.get_by_role("button", name="Connect Tripletex", exact=True).click()
    expect(page).to_have_url(f"{stack.app_url}/setup/check")
    page.goto(f"{stack.app_url}/setup/tripletex")
    page.locator("details.replace summary").click()

    label = page.locator("label[for=token]")
    expect(label).to_be_visible()
    assert label.evaluate("el => getComputedStyle(el).color") == ink


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_plan_names_are_in_the_users_language(stack, page, lang):
    page.goto(f"{stack.app_url}/install?lang={lang}")
    page.locator("button[name=decision][value=allow]").click()
    page.goto(f"{stack.app_url}/setup/tripletex")
    page.locator("input[name=token]").fill("demo-employee-token")
    page.locator("form.token-form button[type=submit]").click()
    expect(page).to_have_url(f"{stack.app_url}/setup/check")
    page.goto(f"{stack.app_url}/setup/plan")

    free = page.locator("[data-plan=free]")
    expect(free.locator(".plan-name")).to_have_text("Gratis" if lang == "nb" else "Free")
    expect(free.locator(".price")).to_have_text("0 kr / måned" if lang == "nb" else "NOK 0 / month")
