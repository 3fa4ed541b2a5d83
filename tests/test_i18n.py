"""Every string a user sees exists in English and Bokmål, counts, dates and amounts read the
language's way, and the language follows the user."""

import string
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import render_template

from tests.journey import DEMO_PORTAL, connect_tripletex, install, text_of
from webapp.db import connect
from webapp.portal.hubspot_app import OPTIONAL_SCOPES, REQUIRED_SCOPES
from webapp.portal.problems import Problem
from webapp.storage.installations import Installations
from webapp.web.i18n import TRANSLATIONS, format_amount, format_price

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = TRANSLATIONS / "nb" / "LC_MESSAGES" / "messages.po"


def extracted() -> dict[str, str | None]:
    """Every string marked for translation, as babel.cfg extracts it: msgid -> its plural."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str | None] = {}
    for filename, lineno, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map):
        singular, plural = (message, None) if isinstance(message, str) else message
        assert found.get(singular, plural) == plural, (
            f"{filename}:{lineno}: {singular!r} is marked with another plural elsewhere"
        )
        found[singular] = plural
    return found


def bokmal():
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale="nb")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def forms(message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def test_the_extractor_finds_strings_in_code_and_templates_with_their_plurals():
    strings = extracted()
    assert len(strings) > 150, "the extractor found too little; is babel.cfg broken?"
    assert strings["Install in HubSpot"] is None  # a template
    assert strings["Tripletex did not accept this token."] is None  # N_ in the code
    assert strings["{n} permission"] == "{n} permissions"  # ngettext, template
    assert strings["Try again in {seconds} second."] == "Try again in {seconds} seconds."  # N_


def test_every_user_facing_string_has_a_bokmal_translation():
    catalogue = bokmal()
    assert not catalogue.fuzzy, "the catalogue's header is fuzzy: make would skip all of it"
    lacking = []
    for msgid, plural in sorted(extracted().items()):
        message = catalogue.get(msgid)
        if message is None or message.fuzzy or not all(forms(message)):
            lacking.append(msgid)
        elif (message.id[1] if message.pluralizable else None) != plural:
            lacking.append(f"{msgid} (its plural in the catalogue is not {plural!r})")
        elif plural and len(message.string) != catalogue.num_plurals:
            lacking.append(f"{msgid} (needs {catalogue.num_plurals} forms)")
    assert lacking == []


def test_translations_keep_their_placeholders():
    changed = []
    for message in bokmal():
        if not message.id:
            continue  # the header
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = fields(english[0])
        if any(fields(text) != expected for text in english + forms(message)):
            changed.append(english[0])
    assert changed == []


def test_no_translation_is_left_over_from_a_removed_string():
    catalogue, strings = bokmal(), extracted()
    msgids = [m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id]
    assert sorted(set(msgids) - set(strings)) == []
    assert list(catalogue.obsolete) == []


def test_the_browser_language_picks_bokmal_and_the_choice_sticks(client):
    page = client.get("/", headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"})
    assert '<html lang="nb">' in page.get_data(as_text=True)
    assert "Installer i HubSpot" in page.get_data(as_text=True)
    client.get("/?lang=en")
    page = client.get("/", headers={"Accept-Language": "nb-NO"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Install in HubSpot" in page


def test_an_unknown_language_falls_back_to_english(client):
    page = client.get("/?lang=xx", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert '<html lang="en">' in page


@pytest.mark.parametrize(
    "query, link",
    [
        ("?endpoint=x", 'href="/?lang=nb"'),
        ("?_method=POST", 'href="/?lang=nb"'),
        ("?_external=1&_anchor=x", 'href="/?lang=nb"'),
        ("?lang=nb&x=1", 'href="/?lang=en"'),
    ],
)
def test_no_query_key_reaches_the_language_links(client, query, link):
    page = client.get("/" + query)
    assert page.status_code == 200
    links = [
        line.strip() for line in page.get_data(as_text=True).splitlines() if "hreflang=" in line
    ]
    assert len(links) == 1 and links[0].startswith(f"<a {link} hreflang=")


@contextmanager
def a_page_in(app, lang: str):
    """Render as during a request for a page in `lang`."""
    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()
        yield


@pytest.mark.parametrize(
    "lang, seconds, said",
    [
        ("nb", 1, "Prøv igjen om 1 sekund."),
        ("nb", 2, "Prøv igjen om 2 sekunder."),
        ("en", 1, "Try again in 1 second."),
        ("en", 2, "Try again in 2 seconds."),
    ],
)
def test_a_rate_limit_wait_is_counted_in_the_singular_and_the_plural(app, lang, seconds, said):
    with a_page_in(app, lang):
        shown = render_template(
            "setup/_problem.html", problem=Problem("rate_limited", {"seconds": seconds})
        )
    assert said in text_of(shown)


@pytest.mark.parametrize(
    "lang, seconds, said",
    [
        ("nb", 1, "vente 1 sekund før du prøver igjen"),
        ("nb", 60, "vente 60 sekunder før"),
        ("en", 1, "wait 1 second and try again"),
        ("en", 60, "wait 60 seconds and try again"),
    ],
)
def test_the_wait_for_too_many_attempts_is_counted(app, lang, seconds, said):
    with a_page_in(app, lang):
        shown = render_template(
            "setup/_problem.html", problem=Problem("too_many_attempts", {"seconds": seconds})
        )
    assert said in text_of(shown)


def test_the_permissions_are_counted_in_bokmal(stack):
    browser, _ = install(stack)
    page = browser.get(stack.app_url + "/setup/hubspot?lang=nb")
    count = len(REQUIRED_SCOPES + OPTIONAL_SCOPES)
    assert f"Tilganger gitt {count} tilganger" in text_of(page.text)
    with a_page_in(stack.app, "nb"):  # no app asks for one scope; the step would say
        one = render_template(
            "setup/_step_hubspot.html", installation={"portal_id": DEMO_PORTAL, "scopes": ["oauth"]}
        )
    assert "Tilganger gitt 1 tilgang oauth" in text_of("<main>" + one)


@pytest.mark.parametrize(
    "days, lang, said",
    [
        (1, "nb", "Det appen har lagret, slettes etter 1 dag;"),
        (30, "nb", "Det appen har lagret, slettes etter 30 dager;"),
        (1, "en", "What the app stored is deleted after 1 day;"),
        (30, "en", "What the app stored is deleted after 30 days;"),
    ],
)
def test_the_grace_before_an_uninstalled_portals_data_goes_is_counted(make_stack, days, lang, said):
    stack = make_stack(app_config={"UNINSTALL_GRACE_DAYS": days})
    browser, _ = install(stack)
    page = browser.get(f"{stack.app_url}/account/uninstall?lang={lang}")
    assert page.status_code == 200
    assert said in text_of(page.text)


PLANS = [
    {
        "id": "solo",
        "name": {"en": "Solo", "nb": "Alene"},
        "price_nok": 0,
        "invoice_limit": 1,
        "features": ["invoices"],
    },
    {
        "id": "big",
        "name": "Big",
        "price_nok": 1250.5,
        "invoice_limit": 1000,
        "features": ["invoices"],
    },
    {
        "id": "team",
        "name": "Team",
        "price_nok": 349,
        "invoice_limit": None,
        "features": ["invoices"],
    },
]


@pytest.mark.parametrize(
    "lang, prices, limits",
    [
        (
            "en",
            ["NOK 0 / month", "NOK 1,250.50 / month", "NOK 349 / month"],
            ["1 invoice a month", "1,000 invoices a month", "Unlimited invoices"],
        ),
        (
            "nb",
            ["0 kr / måned", "1 250,50 kr / måned", "349 kr / måned"],
            ["1 faktura i måneden", "1 000 fakturaer i måneden", "Ubegrenset antall fakturaer"],
        ),
    ],
)
def test_plan_prices_and_limits_are_written_the_users_way(make_stack, lang, prices, limits):
    stack = make_stack(app_config={"PLANS": PLANS})
    browser, _ = install(stack)
    assert connect_tripletex(stack, browser, "demo-employee-token").url.endswith("/setup/check")
    page = browser.get(f"{stack.app_url}/setup/plan?lang={lang}").text
    shown = [text_of(part.split("</span>")[0]) for part in page.split('<span class="price">')[1:]]
    assert shown == prices
    shown = [text_of(part.split("</span>")[0]) for part in page.split('<span class="limit">')[1:]]
    assert shown == limits


@pytest.mark.parametrize(
    "lang, amount, price",
    [
        ("en", "NOK\xa01,250.00", "NOK\xa01,250"),
        ("nb", "1\xa0250,00\xa0kr", "1\xa0250\xa0kr"),  # no line break inside an amount
    ],
)
def test_an_amount_keeps_its_ore_and_a_whole_price_drops_them(app, lang, amount, price):
    with a_page_in(app, lang):
        assert (format_amount(1250), format_price(1250)) == (amount, price)


@pytest.mark.parametrize(
    "at, lang, said",
    [
        ("2026-11-24T12:05:00+00:00", "en", "Checked Nov 24, 2026, 1:05 PM."),
        ("2026-11-24T12:05:00+00:00", "nb", "Sjekket 24. nov. 2026, 13:05."),
        ("2026-07-01T22:30:00+00:00", "en", "Checked Jul 2, 2026, 12:30 AM."),  # summer time
        ("2026-07-01T22:30:00+00:00", "nb", "Sjekket 2. juli 2026, 00:30."),
    ],
)
def test_the_check_time_is_oslo_time_written_the_users_way(stack, at, lang, said):
    browser, _ = install(stack)
    connect_tripletex(stack, browser, "demo-employee-token")
    db = connect(stack.app.config["DATABASE"])
    try:
        installations = Installations(db)
        check = installations.setting(DEMO_PORTAL, "connection_check")
        installations.set_setting(DEMO_PORTAL, "connection_check", dict(check, at=at))
    finally:
        db.close()
    page = browser.get(f"{stack.app_url}/setup/check?lang={lang}")
    assert said in text_of(page.text)
