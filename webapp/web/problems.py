"""Problems (webapp.portal.problems) put into the user's language, for the templates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from ..portal.problems import Problem, Text, details, fill, message, title
from .i18n import gettext, ngettext


@dataclass
class Sentence:
    text: str
    code: str | None = None  # shown after the text, verbatim, for the user to copy


@dataclass
class Shown:
    kind: str
    title: str
    text: Sentence | None
    items: list[Sentence]
    after: Sentence | None


def show(problem: Problem | dict) -> Shown:
    """The problem's message in the user's language, its details filled in."""
    if isinstance(problem, dict):  # a problem kept in storage (the last check)
        problem = Problem(problem.get("kind", "unexpected"), problem.get("detail") or {})
    detail = details(problem, gettext, app_name=current_app.config["TRIPLETEX_APPLICATION_NAME"])
    shown = message(problem)

    def sentence(text: Text | None) -> Sentence | None:
        filled = counted(text, detail) if text and text.plural else fill(text, detail, gettext)
        if filled is None:
            return None
        return Sentence(filled, str(detail[text.code]) if text.code in detail else None)

    return Shown(
        problem.kind,
        title(shown, detail, gettext),
        sentence(shown.text),
        [s for s in map(sentence, shown.items) if s],
        sentence(shown.after),
    )


def counted(text: Text, detail: dict) -> str | None:
    """A sentence that counts, in the form the user's language needs for that count."""
    try:
        return ngettext(text.text, text.plural, detail[text.count], **detail)
    except (KeyError, IndexError):
        return None


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(show_problem=show)
