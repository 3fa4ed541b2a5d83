"""Error pages that say what happened and what to do, in the user's language; never a trace."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..i18n import gettext as _
from .fragments import is_htmx
from .sessions import session_url


# Endpoints that only programs call (HubSpot's signed requests); they always answer JSON.
JSON_ENDPOINTS = {"embedded.settings_session"}


def _wants_json() -> bool:
    return request.endpoint in JSON_ENDPOINTS or request.accept_mimetypes.best == \
        "application/json"


def _page(status: int, title: str, message: str, action_url: str | None = None,
          action_label: str | None = None):
    if _wants_json():
        return jsonify(error=title, message=message), status
    # htmx swaps the stepper with what comes back, so it gets a stepper-shaped error.
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    return render_template(template, title=title, message=message,
                           action_url=action_url, action_label=action_label), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError):
        return _page(400, _("The page had expired"),
                     _("For your security the form could not be sent. Reload the page and "
                       "try again."), request.referrer and session_url("setup.start"),
                     _("Reload"))

    @app.errorhandler(401)
    def not_signed_in(exc):
        return _page(401, _("Open the app from HubSpot"),
                     _("You are not signed in, or your session has ended. Open Tripletex Sync "
                       "from the app's settings in HubSpot, or install it."),
                     session_url("install.start"), _("Install in HubSpot"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 404:
            return _page(404, _("Page not found"), _("There is no page at this address."),
                         session_url("home.index"), _("Go to the start page"))
        if exc.code == 405:
            return _page(405, _("Not allowed"), _("This address does not accept that kind of "
                                                   "request."))
        if exc.code == 413:
            return _page(413, _("Too large"), _("What was sent is too large."))
        return _page(exc.code or 400, _("Bad request"),
                     _("The request could not be understood."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _page(500, _("Something went wrong"),
                     _("An unexpected error occurred. Try again in a moment; if it keeps "
                       "happening, contact the app's support."))
