"""English and Norwegian Bokmål for every string a user sees, with Babel and Flask-Babel.

English text is the msgid; `translations/nb/LC_MESSAGES/messages.po` holds the Bokmål, and
`make` compiles it to the `.mo` file read here. tests/test_i18n.py extracts every marked
string with Babel (babel.cfg) and fails when one lacks a translation. Messages keep
`{name}` placeholders filled with str.format (Flask-Babel's own gettext uses %-formatting,
so we wrap its translations instead). Dates, numbers and amounts follow the page's language.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale, get_translations, refresh

from ..timeutil import OSLO, parse
from .catalogues import compile_stale

LANGUAGES = {"en": "English", "nb": "Norsk bokmål"}
DEFAULT = "en"
# HubSpot reports locales such as "nb-no", "no" or "nn-no"; all read Bokmål best of ours.
_ALIASES = {"no": "nb", "nn": "nb", "nb": "nb", "en": "en"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def normalise(locale: str | None) -> str | None:
    """Map a locale like "nb-NO" or "en_US" to one of our languages, or None."""
    if not locale:
        return None
    return _ALIASES.get(locale.replace("_", "-").split("-")[0].lower())


def pick_language() -> str:
    """The user's choice, else HubSpot's locale for them, else the browser's preference."""
    chosen = normalise(request.args.get("lang")) or normalise(session.get("lang"))
    if chosen:
        return chosen
    browser = request.accept_languages.best_match(["nb", "no", "nn", "en"])
    return normalise(browser) or DEFAULT


def _locale() -> Locale:
    return get_locale() or Locale.parse(DEFAULT)


def gettext(text: str, **params) -> str:
    """Translate and fill in `{name}` placeholders."""
    translated = get_translations().gettext(text)
    return translated.format(**params) if params else translated


def ngettext(singular: str, plural: str, n: int, **params) -> str:
    """Translate the form that fits the count `n` and fill in `{name}` placeholders.

    `{n}` is the count unless given; numbers among the values are written the language's
    way ("1 000" in Bokmål), since a message with a plural only ever counts things.
    """
    if isinstance(n, float) and n.is_integer():
        n = int(n)  # gettext's plural rules take whole numbers
    translated = get_translations().ngettext(singular, plural, n)
    values = {"n": n, **params}
    return translated.format(
        **{
            name: format_number(value) if _is_number(value) else value
            for name, value in values.items()
        }
    )


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def format_number(value) -> str:
    """A number in the page's language: "1,250" in English, "1 250" in Bokmål."""
    return format_decimal(value, locale=_locale())


def format_amount(value, currency: str = "NOK", *, whole: bool = False) -> str:
    """An amount of money in the page's language: "NOK 1,250.00", "1 250,00 kr".

    `whole` drops the øre of a whole amount, as a price reads: "NOK 349", "349 kr".
    """
    locale = _locale()
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    if whole and value == int(value):
        pattern = pattern.replace(".00", "")
    # CLDR puts a space between a currency code and its digits; Babel leaves that out.
    pattern = pattern.replace("¤#", "¤\xa0#").replace("0¤", "0\xa0¤")
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)


def format_price(value, currency: str = "NOK") -> str:
    """A price: whole kroner when it has no øre ("349 kr"), else with them ("349,50 kr")."""
    return format_amount(value, currency, whole=True)


def local_time(value: datetime | str | None) -> str:
    """A stored (UTC) moment in Oslo time, the language's way: "Nov 24, 2026, 1:05 PM",
    "24. nov. 2026, 13:05"."""
    if value is None or value == "":
        return ""
    moment = parse(value) if isinstance(value, str) else value
    locale = _locale()
    pattern = (
        locale.datetime_formats["medium"]
        .replace("{1}", locale.date_formats["medium"].pattern)
        .replace("{0}", locale.time_formats["short"].pattern)
    )
    return format_datetime(moment, pattern, tzinfo=OSLO, locale=locale)


def localized(value: str | dict) -> str:
    """A name an operator configured: a string, or one per language (English as the fallback)."""
    if isinstance(value, dict):
        return value.get(getattr(g, "lang", DEFAULT)) or value.get(DEFAULT) or ""
    return value


def language_url(code: str) -> str:
    """This page in another language (or, after a POST, the page to return to).

    Only the path and `lang` are kept: no other query key may reach url_for, and an OAuth
    code or a sign-in token in the current URL must not be replayed by a language link.
    """
    from .sessions import session_url

    if (
        request.method == "GET"
        and request.endpoint not in (None, "static")
        and request.endpoint not in _NOT_REVISITABLE
    ):
        return session_url(request.endpoint, **dict(request.view_args or {}, lang=code))
    target = "setup.start" if session.get("portal_id") else "home.index"
    return session_url(target, lang=code)


# Pages that consume something on the way in; their language link leads elsewhere.
_NOT_REVISITABLE = {"install.callback", "embedded.open_settings", "install.start"}

FILTERS = {
    "local_time": local_time,
    "number": format_number,
    "amount": format_amount,
    "price": format_price,
}


def init_app(app: Flask) -> None:
    # One Babel per app: Flask-Babel caches loaded catalogues on its instance.
    Babel(
        app,
        configure_jinja=False,
        default_locale=DEFAULT,
        default_translation_directories=str(TRANSLATIONS),
        default_timezone=OSLO.key,
        locale_selector=lambda: getattr(g, "lang", DEFAULT),
    )
    compile_stale(TRANSLATIONS)

    @app.before_request
    def set_language():
        g.lang = pick_language()
        refresh()  # a locale Flask-Babel looked up earlier in the request is stale
        if request.args.get("lang") and normalise(request.args["lang"]):
            session["lang"] = g.lang

    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(
        _=gettext,
        ngettext=ngettext,
        LANGUAGES=LANGUAGES,
        language_url=language_url,
        localized=localized,
    )

    @app.context_processor
    def language():
        return {"lang": getattr(g, "lang", DEFAULT)}
