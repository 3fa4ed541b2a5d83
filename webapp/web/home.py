"""The landing page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, session

from ..storage.sqlite import reachable
from ..timeutil import isoformat
from .collaborators import collaborators

bp = Blueprint("home", __name__)


def worker_status() -> dict:
    """Say whether a worker has checked in recently (and when, as stored: UTC ISO-8601)."""
    heartbeats = collaborators().heartbeats
    seen = heartbeats.latest()
    return {"running": heartbeats.running(), "last_seen": isoformat(seen) if seen else None}


@bp.get("/")
def index():
    return render_template(
        "home/index.html",
        worker=worker_status(),
        signed_in=session.get("portal_id"),
        tripletex_base=current_app.config["TRIPLETEX_API_BASE"],
        hubspot_base=current_app.config["HUBSPOT_API_BASE"],
    )


@bp.get("/healthz")
def health():
    reachable(collaborators().db)
    return jsonify(
        status="ok", worker=worker_status(), sandbox_mode=current_app.config["SANDBOX_MODE"]
    )
