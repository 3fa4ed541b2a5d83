"""Our pages inside HubSpot: the settings page asks for a sign-in URL, the iframe opens it.

Iframe requests carry no HubSpot signature, so the signed hubspot.fetch call mints a
single-use token that expires within a minute, and opening the URL trades it for a session
for that one portal. The session then travels in the URL and in htmx's headers as well as
in the cookie, so it survives a browser that blocks third-party cookies.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, render_template, request, session

from ..portal.lifecycle import ensure_portal_properties
from ..storage.installations import ACTIVE
from .auth import sign_in
from .collaborators import collaborators
from .i18n import normalise
from .sessions import carry_in_links, framed_navigation, redirect_to
from .signed import signed_by_hubspot

bp = Blueprint("embedded", __name__)


@bp.post("/hubspot/settings/session")
@signed_by_hubspot
def settings_session():
    """Return `{"url": ...}` that signs this HubSpot user in for this portal only."""
    installation = collaborators().installations.get(g.hubspot["portal_id"])
    if installation is None or installation["status"] != ACTIVE:
        return jsonify(
            error="not_installed", message="The app is not installed in this HubSpot account."
        ), 404
    body = request.get_json(silent=True) if request.content_length else {}
    locale = body.get("locale") if isinstance(body, dict) else None
    token = collaborators().login_tokens.mint(
        installation["portal_id"],
        g.hubspot["user_id"],
        g.hubspot["user_email"],
        normalise(locale if isinstance(locale, str) else None),
    )
    url = current_app.config["PUBLIC_BASE_URL"] + "/hubspot/settings/open?login=" + token
    return jsonify(url=url)


@bp.get("/hubspot/settings/open")
def open_settings():
    """Trade a login token for a session and open the setup.

    HubSpot opens this in its iframe modal. A browser that says it is opening the link
    top-level is refused, so a link passed to someone else cannot sign them in.
    """
    if not framed_navigation():
        return render_template("embedded/expired.html", top_level=True), 403
    found = collaborators().login_tokens.consume(request.args.get("login", ""))
    if found is None:
        return render_template("embedded/expired.html"), 403
    sign_in(found["portal_id"], found["user_id"], found["user_email"])
    if found["locale"]:
        session["lang"] = found["locale"]
    carry_in_links()
    try:
        # Properties a newer release added are created on the portal's next use.
        ensure_portal_properties(collaborators(), found["portal_id"])
    except Exception:  # noqa: BLE001 - the user is signed in; this is retried next time
        current_app.logger.exception("property upkeep for portal %s failed", found["portal_id"])
    return redirect_to("setup.start")
