"""The landing page and the health check."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify, render_template, session

from ..db import get_db
from ..timeutil import for_display, parse, utcnow

bp = Blueprint("home", __name__)

WORKER_STALE_AFTER = timedelta(minutes=3)   # the heartbeat runs every minute


def worker_status() -> dict:
    """Say whether a worker has checked in recently."""
    row = get_db().execute(
        "select worker, seen_at from worker_heartbeats order by seen_at desc limit 1").fetchone()
    if row is None:
        return {"running": False, "last_seen": None}
    seen = parse(row[1])
    return {"running": utcnow() - seen < WORKER_STALE_AFTER, "last_seen": for_display(seen)}


@bp.get("/")
def index():
    return render_template("home/index.html", worker=worker_status(),
                           signed_in=session.get("portal_id"),
                           tripletex_base=current_app.config["TRIPLETEX_API_BASE"],
                           hubspot_base=current_app.config["HUBSPOT_API_BASE"])


@bp.get("/healthz")
def health():
    get_db().execute("select 1").fetchone()
    return jsonify(status="ok", worker=worker_status(),
                   sandbox_mode=current_app.config["SANDBOX_MODE"])
