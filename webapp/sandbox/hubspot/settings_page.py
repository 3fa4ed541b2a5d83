"""HubSpot's settings page for our app, with the settings extension in it, as HubSpot frames it.

The page makes the extension's signed call on the server, as HubSpot's proxy would, and shows
the extension's state. A small script then plays actions.openIframeModal: the single-use URL
opens in an iframe modal, and closing the modal asks for a fresh URL (each works once).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from .gateway import sandbox
from .settings_extension import MODAL, load_session, text_for
from .ui import PageProblem, html_pages

bp = Blueprint("hubspot_settings_page", __name__, template_folder="templates")
html_pages(bp)
# Shaped like app.hubspot.com's page for an installed app's settings.
PAGE = "/integrations-settings/<int:portal_id>/installed/framework/<int:app_id>/general-settings"
LOCALES = {"en": "English", "nb": "Norsk bokmål"}


def page_url(portal_id: int) -> str:
    """Return the settings page of our app in a portal."""
    return url_for(
        "hubspot_settings_page.show", portal_id=portal_id, app_id=sandbox().settings["app_id"]
    )


def _viewer(portal_id: int, app_id: int) -> dict:
    """Return the portal, the HubSpot user looking (`?userId=`, else the first) and the locale."""
    sb = sandbox()
    if app_id != int(sb.settings["app_id"]):
        raise PageProblem(404, f"App {app_id} is not an app of this sandbox.")
    raw_user = request.args.get("userId", "")
    with sb.state.lock:
        portal = sb.state.portals.get(portal_id)
        if portal is None:
            raise PageProblem(404, f"This sandbox has no HubSpot account {portal_id}.")
        users = [dict(u) for u in portal.users]
        viewer = {
            "portal_id": portal.id,
            "name": portal.name,
            "installed": portal.installed,
            "users": users,
        }
    matching = [u for u in users if str(u["id"]) == raw_user] if raw_user else users[:1]
    if not matching:
        raise PageProblem(404, f"{viewer['name']} has no user {raw_user}.")
    locale = request.args.get("locale", "en")
    return dict(viewer, user=matching[0], locale=locale if locale in LOCALES else "en")


def _render(template: str, viewer: dict):
    query = {"userId": viewer["user"]["id"], "locale": viewer["locale"]}
    state = (
        load_session(viewer["portal_id"], viewer["user"], viewer["locale"])
        if viewer["installed"]
        else None
    )
    return render_template(
        template,
        viewer=viewer,
        state=state,
        t=text_for(viewer["locale"]),
        modal=MODAL,
        locales=LOCALES,
        page_url=page_url(viewer["portal_id"]),
        refresh_url=url_for(
            "hubspot_settings_page.extension",
            portal_id=viewer["portal_id"],
            app_id=sandbox().settings["app_id"],
            **query,
        ),
    )


@bp.get(PAGE)
def show(portal_id: int, app_id: int):
    """Show the page: the extension after its signed call, or how to install the app."""
    return _render("hubspot_sandbox/settings_page.html", _viewer(portal_id, app_id))


@bp.post(PAGE + "/extension")
def extension(portal_id: int, app_id: int):
    """Render the extension again after a fresh signed call (the modal closed, or "Try again")."""
    return _render("hubspot_sandbox/_settings_extension.html", _viewer(portal_id, app_id))
