"""Who is signed in, for which portal. A session belongs to exactly one portal."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, session

from ..storage.installations import ACTIVE
from .collaborators import collaborators


def sign_out() -> None:
    """Forget who is signed in; only the chosen language stays."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def sign_in(portal_id: int, user_id: int | None, user_email: str | None) -> None:
    """Start a fresh session for one portal (nothing of a previous session survives)."""
    installation = collaborators().installations.get(int(portal_id)) or {}
    sign_out()
    session.update(
        portal_id=int(portal_id),
        user_id=user_id,
        user_email=user_email,
        epoch=installation.get("session_epoch", 0),
    )
    session.source = "signed_in"  # a fresh session of ours: the cookie may hold it


def current_installation() -> dict | None:
    """The signed-in portal's installation, if it is active."""
    if "installation" not in g:
        portal_id = session.get("portal_id")
        found = collaborators().installations.get(portal_id) if portal_id else None
        current = (
            found
            and found["status"] == ACTIVE
            and session.get("epoch", 0) == found["session_epoch"]
        )
        g.installation = found if current else None
    return g.installation


def portal_required(view):
    """Refuse pages that need a portal when nobody is signed in for one."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_installation() is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapped
