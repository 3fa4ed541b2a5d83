"""Error pages that say what happened and what to do, in the user's language; never a trace."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, make_response, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .auth import current_installation
from .fragments import is_htmx
from .i18n import gettext as _
from .sessions import session_url

# Endpoints that only programs call (HubSpot's signed requests); they always answer JSON.
JSON_ENDPOINTS = {"embedded.settings_session"}


def _wants_json() -> bool:
    return request.endpoint in JSON_ENDPOINTS or request.accept_mimetypes.best == "application/json"


def _page(
    status: int,
    title: str,
    message: str,
    action_url: str | None = None,
    action_label: str | None = None,
    *,
    leaves: bool = False,
):
    """An explained error; `leaves` marks an action that must leave HubSpot's frame.

    Such an action opens top-level, so its URL never carries the session.
    """
    if _wants_json():
        return jsonify(error=title, message=message), status
    # htmx swaps the stepper with what comes back, so it gets a stepper-shaped error.
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    return render_template(
        template,
        title=title,
        message=message,
        action_url=action_url,
        action_label=action_label,
        action_leaves=leaves,
    ), status


def session_ended():
    """The page for a form sent after its session lapsed."""
    return _page(
        401,
        _("Your session has ended"),
        _(
            "For your security you are signed out after a while without activity, so "
            "nothing was sent. Open Tripletex Sync again from the app's settings in "
            "HubSpot."
        ),
    )


def form_expired(view_name: str | None):
    """The form's own page again, fresh, for a form whose CSRF token lapsed.

    A frame left open for hours keeps a session that still works but a token that no
    longer does; the user should land on the step they were on, not on a dead end.
    """
    view = current_app.view_functions.get(view_name or "")
    target = getattr(view, "reshown_by", None)
    if target is None:
        return _page(
            400,
            _("This page has expired"),
            _(
                "For your security the form was not sent. Open the page again and "
                "repeat what you did."
            ),
            session_url("setup.start"),
            _("Open setup"),
        )
    g.form_expired = True
    endpoint, values = target
    response = make_response(current_app.view_functions[endpoint](**values))
    if response.status_code == 200:
        response.status_code = 400  # nothing was done; the page says so
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError):
        if current_installation() is None:
            return session_ended()
        return form_expired(request.endpoint)

    @app.errorhandler(401)
    def not_signed_in(exc):
        return _page(
            401,
            _("Open the app from HubSpot"),
            _(
                "You are not signed in, or your session has ended. Open Tripletex Sync "
                "from the app's settings in HubSpot, or install it."
            ),
            url_for("install.start"),
            _("Install in HubSpot"),
            leaves=True,
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 404:
            return _page(
                404,
                _("Page not found"),
                _("There is no page at this address."),
                session_url("home.index"),
                _("Go to the start page"),
            )
        if exc.code == 405:
            return _page(
                405, _("Not allowed"), _("This address does not accept that kind of request.")
            )
        if exc.code == 413:
            return _page(413, _("Too large"), _("What was sent is too large."))
        return _page(exc.code or 400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _page(
            500,
            _("Something went wrong"),
            _(
                "An unexpected error occurred. Try again in a moment; if it keeps "
                "happening, contact the app's support."
            ),
        )
