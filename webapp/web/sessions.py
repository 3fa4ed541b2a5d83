"""Sessions that survive HubSpot's iframe: a cookie where the browser keeps one, else a signed
session value carried in the URL (`?_s=`) and in htmx's headers (`X-Session`).

Inside HubSpot the app is a third-party frame. A browser that stores no cookie for the frame
still sends what the page's own links, forms and htmx requests carry. Flask-WTF keeps its
CSRF secret in the session, so CSRF protection works the same either way.

A carried session is never written into the cookie, and one in the URL counts only inside a
frame (which only HubSpot may show) or on a request our own page's script makes. Never on a
top-level navigation: a URL pasted into another browser, opened from history or planted in a
link would otherwise sign in whoever opens it. Links that leave the frame never carry it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Request, current_app, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

SESSION_HEADER = "X-Session"
SESSION_PARAM = "_s"
CARRIED_LIFETIME = 2 * 3600  # seconds; each page re-signs it, so it lapses only when idle
_FRAMED = {"iframe", "frame"}


def url_carry_allowed(req: Request) -> bool:
    """Whether `?_s=` may sign this request in: a framed navigation or our own htmx request.

    Browsers say which through Fetch Metadata. A client that sends none gets no session from
    the URL (its cookie still counts): every browser we support sends it.
    """
    if req.headers.get("Sec-Fetch-Dest") in _FRAMED:
        return True
    return (
        req.headers.get("Sec-Fetch-Dest") == "empty"
        and req.headers.get("Sec-Fetch-Site") == "same-origin"
        and req.headers.get("HX-Request") == "true"
    )


class PortableSessionInterface(SecureCookieSessionInterface):
    """Read the session from the header or the URL first (explicit beats ambient), then cookie."""

    def open_session(self, app: Flask, request: Request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        candidates = [(request.headers.get(SESSION_HEADER), "header", CARRIED_LIFETIME)]
        if url_carry_allowed(request):
            candidates.append((request.args.get(SESSION_PARAM), "url", CARRIED_LIFETIME))
        candidates.append(
            (
                request.cookies.get(self.get_cookie_name(app)),
                "cookie",
                int(app.permanent_session_lifetime.total_seconds()),
            )
        )
        carried_sent = False
        for value, source, max_age in candidates:
            if not value:
                continue
            if source != "cookie":
                carried_sent = True
            elif carried_sent:
                # The frame's own session lapsed. The cookie belongs to the whole top-level
                # site (HubSpot), so it may be another portal's, opened in another tab:
                # falling back to it would let this frame act on that portal.
                break
            try:
                data = serializer.loads(value, max_age=max_age)
            except BadSignature:
                continue
            opened = self.session_class(data)
            opened.source = source
            return opened
        opened = self.session_class()
        opened.source = "new"
        return opened

    def save_session(self, app: Flask, session, response) -> None:
        if getattr(session, "source", None) in ("header", "url"):
            return  # it lives in the page's links; the browser's cookie is not ours to set
        super().save_session(app, session, response)


def session_token(app: Flask) -> str:
    """Serialise the current session, for links and headers when cookies may be blocked."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps(dict(session))


def carried() -> bool:
    """True when links must carry the session: it came that way, or sign-in asked for it."""
    return getattr(session, "source", None) in ("header", "url") or bool(
        getattr(session, "carry_in_links", False)
    )


def carry_in_links() -> None:
    """Keep the session in every link from now on (a frame's cookie may never come back)."""
    session.carry_in_links = True


def session_url(endpoint: str, **values) -> str:
    """url_for that keeps a carried session in the link."""
    if carried():
        values[SESSION_PARAM] = session_token(current_app)
    return url_for(endpoint, **values)


def redirect_to(endpoint: str, code: int = 303, **values):
    """Redirect (303: the browser follows with GET) without dropping a carried session."""
    return redirect(session_url(endpoint, **values), code=code)


def framed_navigation() -> bool:
    """True only when the browser says it is loading a frame (not a link opened top-level)."""
    return request.headers.get("Sec-Fetch-Dest") in _FRAMED


def keep_out_of_the_address_bar():
    """Send a top-level page load that carries `?_s=` to the same URL without it.

    A link of the frame opened in a tab of its own (a middle click, "Open in new tab") is a
    top-level navigation: the session would not count there, but it would sit in the address
    bar and the history. The redirect leaves only the clean URL behind.
    """
    if (
        request.method != "GET"
        or SESSION_PARAM not in request.args
        or request.headers.get("Sec-Fetch-Dest") != "document"
    ):
        return None
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != SESSION_PARAM])
    response = redirect(request.path + (f"?{query}" if query else ""), code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def init_app(app: Flask) -> None:
    app.session_interface = PortableSessionInterface()
    app.before_request(keep_out_of_the_address_bar)
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
        return {
            "session_token": lambda: session_token(app),
            "session_url": session_url,
            "session_carried": carried,
            # For a GET form: the session as a hidden field, as session_url puts it in links.
            "session_fields": lambda: {SESSION_PARAM: session_token(app)} if carried() else {},
            "SESSION_HEADER": SESSION_HEADER,
        }
