"""Single-use login tokens that sign a HubSpot user into our pages for one portal."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock, isoformat, parse
from .sqlite import write_transaction

LIFETIME = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class LoginTokens:
    """Mint and consume login tokens; only their hashes are stored."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def mint(
        self, portal_id: int, user_id: int | None, user_email: str | None, locale: str | None = None
    ) -> str:
        """Create a token that works once, within a minute."""
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        with write_transaction(self.db):
            self.db["login_tokens"].insert(
                {
                    "token_hash": _hash(token),
                    "portal_id": portal_id,
                    "user_id": user_id,
                    "user_email": user_email,
                    "locale": locale,
                    "expires_at": isoformat(now + LIFETIME),
                    "used_at": None,
                }
            )
            # Old tokens are useless; keep the table small.
            self.db.execute(
                "delete from login_tokens where expires_at < ?",
                [isoformat(now - timedelta(days=1))],
            )
        return token

    def consume(self, token: str) -> dict | None:
        """Return the token's portal and user and burn it, or None if unknown, used or expired."""
        if not token or len(token) > 200:
            return None
        now = self.clock.now()
        with write_transaction(self.db):
            row = next(
                self.db.query(
                    "select portal_id, user_id, user_email, locale, expires_at, used_at "
                    "from login_tokens where token_hash = ?",
                    [_hash(token)],
                ),
                None,
            )
            if row is None or row["used_at"] is not None or parse(row["expires_at"]) < now:
                return None
            self.db.execute(
                "update login_tokens set used_at = ? where token_hash = ?",
                [isoformat(now), _hash(token)],
            )
        return {key: row[key] for key in ("portal_id", "user_id", "user_email", "locale")}

    def forget_portal(self, portal_id: int) -> None:
        """Drop every token of a portal (it was uninstalled); joins the caller's transaction."""
        with write_transaction(self.db):
            self.db["login_tokens"].delete_where("portal_id = ?", [portal_id])
