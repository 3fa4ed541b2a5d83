"""Full page or fragment: one route serves both, as Contact.app does."""

from __future__ import annotations

from flask import make_response, render_template, request

from .sessions import redirect_to, session_url


def is_htmx() -> bool:
    """An htmx request that wants a fragment (a boosted one wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def render_page(page: str, fragment: str, *, status: int = 200, **context):
    """Render the fragment for htmx, the full page otherwise."""
    response = make_response(render_template(fragment if is_htmx() else page, **context), status)
    response.headers.add("Vary", "HX-Request")
    return response


def go_to(endpoint: str, render_fragment, **values):
    """After a successful POST: a 303 to the next page, or for htmx the next fragment.

    htmx gets the fragment at once (no second round trip) and pushes the page's URL, so
    back and refresh land on the same step.
    """
    if not is_htmx():
        return redirect_to(endpoint, **values)
    response = render_fragment()
    response.headers["HX-Push-Url"] = session_url(endpoint, **values)
    return response


def reshown_by(endpoint: str, **values):
    """Name the page a form lives on, so a form sent with a lapsed token is shown there again."""

    def mark(view):
        view.reshown_by = (endpoint, values)
        return view

    return mark
