"""Sessions that survive HubSpot's iframe: a cookie where the browser allows one, else a
signed token carried in the URL (`?_s=`) and in htmx's headers (`X-Session`).

Inside HubSpot the app is a third-party frame. With third-party cookies blocked the
browser drops our cookie, so every link, form action and htmx request carries the same
signed session value instead. Flask-WTF keeps its CSRF secret in the session, so CSRF
protection works the same either way.
"""
from __future__ import annotations

from flask import Flask, Request, redirect, session, url_for
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

SESSION_HEADER = "X-Session"
SESSION_PARAM = "_s"


class PortableSessionInterface(SecureCookieSessionInterface):
    """Read the session from the header or query first (explicit beats ambient), then the cookie."""

    def open_session(self, app: Flask, request: Request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        carried = request.headers.get(SESSION_HEADER) or request.args.get(SESSION_PARAM)
        for value, carried_flag in ((carried, True),
                                    (request.cookies.get(self.get_cookie_name(app)), False)):
            if not value:
                continue
            try:
                data = serializer.loads(value, max_age=int(
                    app.permanent_session_lifetime.total_seconds()))
            except BadSignature:
                continue
            opened = self.session_class(data)
            opened.carried = carried_flag
            return opened
        opened = self.session_class()
        opened.carried = bool(carried)
        return opened


def session_token(app: Flask) -> str:
    """Serialise the current session, for links and headers when cookies may be blocked."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps(dict(session))


def carried() -> bool:
    """True when this request's session came in the URL or a header, not a cookie."""
    return bool(getattr(session, "carried", False))


def session_url(endpoint: str, **values) -> str:
    """url_for that keeps a carried session in the link."""
    from flask import current_app
    if carried():
        values[SESSION_PARAM] = session_token(current_app)
    return url_for(endpoint, **values)


def redirect_to(endpoint: str, code: int = 303, **values):
    """Redirect (303: the browser follows with GET) without dropping a carried session."""
    return redirect(session_url(endpoint, **values), code=code)


def init_app(app: Flask) -> None:
    app.session_interface = PortableSessionInterface()
    secure = app.config["PUBLIC_BASE_URL"].startswith("https://")
    # A third-party frame only gets cookies that are SameSite=None, which requires Secure;
    # Partitioned (CHIPS) keeps them working where unpartitioned third-party cookies are off.
    app.config.update(
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_SAMESITE="None" if secure else "Lax",
        SESSION_COOKIE_PARTITIONED=secure,
        SESSION_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
    )

    @app.context_processor
    def session_helpers():
        return {"session_token": lambda: session_token(app), "session_url": session_url,
                "session_carried": carried, "SESSION_HEADER": SESSION_HEADER}
