"""Single-use login tokens that sign a HubSpot user into our pages for one portal."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlite_utils import Database

from ..timeutil import isoformat, parse, utcnow
from .sqlite import write_transaction

LIFETIME = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def mint(db: Database, portal_id: int, user_id: int | None, user_email: str | None,
         locale: str | None = None) -> str:
    """Create a token that works once, within a minute; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    with write_transaction(db):
        db["login_tokens"].insert({
            "token_hash": _hash(token), "portal_id": portal_id, "user_id": user_id,
            "user_email": user_email, "locale": locale,
            "expires_at": isoformat(utcnow() + LIFETIME), "used_at": None,
        })
        # Old tokens are useless; keep the table small.
        db.execute("delete from login_tokens where expires_at < ?",
                   [isoformat(utcnow() - timedelta(days=1))])
    return token


def consume(db: Database, token: str) -> dict | None:
    """Return the token's portal and user and burn it, or None if unknown, used or expired."""
    if not token or len(token) > 200:
        return None
    with write_transaction(db):
        row = db.execute("select portal_id, user_id, user_email, locale, expires_at, used_at "
                         "from login_tokens where token_hash = ?", [_hash(token)]).fetchone()
        if row is None or row[5] is not None or parse(row[4]) < utcnow():
            return None
        db.execute("update login_tokens set used_at = ? where token_hash = ?",
                   [isoformat(utcnow()), _hash(token)])
    return {"portal_id": row[0], "user_id": row[1], "user_email": row[2], "locale": row[3]}
