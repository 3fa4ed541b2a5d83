"""English and Norwegian Bokmål for every string a user sees.

English text is the key (as with gettext); `translations_nb.py` maps it to Bokmål. A test
finds every call of `_` with a literal in templates and code and fails when one lacks a
translation.
We keep a dictionary rather than gettext catalogues: two languages, no compile step.
"""
from __future__ import annotations

from flask import Flask, g, request, session

from .translations_nb import NB

LANGUAGES = {"en": "English", "nb": "Norsk bokmål"}
DEFAULT = "en"
# HubSpot reports locales such as "nb-no", "no" or "nn-no"; all read Bokmål best of ours.
_ALIASES = {"no": "nb", "nn": "nb", "nb": "nb", "en": "en"}


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


def gettext(text: str, **params) -> str:
    """Translate and fill in `{name}` placeholders."""
    lang = getattr(g, "lang", DEFAULT)
    translated = NB.get(text, text) if lang == "nb" else text
    return translated.format(**params) if params else translated


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
    if request.method == "GET" and request.endpoint not in (None, "static") and \
            request.endpoint not in _NOT_REVISITABLE:
        return session_url(request.endpoint, **dict(request.view_args or {}, lang=code))
    target = "setup.start" if session.get("portal_id") else "home.index"
    return session_url(target, lang=code)


# Pages that consume something on the way in; their language link leads elsewhere.
_NOT_REVISITABLE = {"install.callback", "embedded.open_settings", "install.start"}


def init_app(app: Flask) -> None:
    @app.before_request
    def set_language():
        g.lang = pick_language()
        if request.args.get("lang") and normalise(request.args["lang"]):
            session["lang"] = g.lang

    app.jinja_env.globals.update(_=gettext, LANGUAGES=LANGUAGES, language_url=language_url,
                                 localized=localized)

    @app.context_processor
    def language():
        return {"lang": getattr(g, "lang", DEFAULT)}
