"""The sandbox's portal page: every HubSpot account, whether our app is in it, and the way in."""

from __future__ import annotations

from flask import Blueprint, render_template

from .gateway import sandbox
from .settings_page import page_url
from .ui import html_pages

bp = Blueprint("hubspot_portals_page", __name__, template_folder="templates")
html_pages(bp)


@bp.get("/portals")
def portals():
    """List the portals with their users and the app's state, linking to its settings page."""
    sb = sandbox()
    with sb.state.lock:
        listed = [
            {
                "id": p.id,
                "name": p.name,
                "domain": p.domain,
                "installed": p.installed,
                "users": [u["email"] for u in p.users],
            }
            for p in sb.state.portals.values()
        ]
    for portal in listed:
        portal["settings_url"] = page_url(portal["id"])
    return render_template("hubspot_sandbox/portals.html", portals=listed)
