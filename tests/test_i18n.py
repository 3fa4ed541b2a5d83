"""Every string a user sees exists in English and Bokmål, and the language follows the user."""
import ast
import re
import string
from pathlib import Path

from webapp.web.translations_nb import NB

ROOT = Path(__file__).resolve().parent.parent
_LITERAL = r'''"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*\''''
_CALL = re.compile(r"\b(?:N_|_)\(\s*((?:(?:" + _LITERAL + r")\s*)+)")


def translatable_strings() -> set[str]:
    """Every literal passed to _() or N_() in templates and in the product's code."""
    found = set()
    sources = list((ROOT / "templates").rglob("*.html")) + list((ROOT / "webapp").rglob("*.py"))
    for path in sources:
        if "sandbox" in path.parts:
            continue
        for match in _CALL.finditer(path.read_text()):
            found.add("".join(ast.literal_eval(part) for part in re.findall(_LITERAL,
                                                                           match.group(1))))
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_user_facing_string_has_a_bokmal_translation():
    strings = translatable_strings()
    assert len(strings) > 100, "the extractor found too little; is it broken?"
    missing = sorted(s for s in strings if s not in NB)
    assert missing == []


def test_translations_keep_their_placeholders():
    assert [k for k, v in NB.items() if fields(k) != fields(v)] == []


def test_no_translation_is_left_over_from_a_removed_string():
    assert sorted(set(NB) - translatable_strings()) == []


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


def test_no_query_key_reaches_the_language_links(client):
    for query in ("?endpoint=x", "?_method=POST", "?_external=1&_anchor=x", "?lang=nb&x=1"):
        page = client.get("/" + query)
        assert page.status_code == 200, query
        assert 'href="/?lang=en"' in page.get_data(as_text=True) or \
            'href="/?lang=nb"' in page.get_data(as_text=True)
