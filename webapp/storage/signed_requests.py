"""Signed requests from HubSpot already acted on: each signature works once.

HubSpot signs every request with a timestamp, so a legitimate request never repeats a
signature; a repeat within the five minutes the signature stays valid is a replay. HubSpot
itself sends a request again only after a 5xx or a failed connection, so a claim is
released when handling fails and the retry gets its turn.
"""

from __future__ import annotations

import hashlib
import sqlite3

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock
from .sqlite import write_transaction


def _hash(signature: str) -> str:
    return hashlib.sha256(signature.encode("utf-8", "replace")).hexdigest()


class SignedRequests:
    """Remember which HubSpot signatures were acted on, until they would expire anyway."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def claim(self, signature: str, expires_at: float) -> bool:
        """Mark the signature used until `expires_at` (epoch seconds); False if it already was."""
        with write_transaction(self.db):
            self.db.execute("delete from signed_requests where expires_at < ?", [self.clock.time()])
            try:
                self.db.execute(
                    "insert into signed_requests (signature_hash, expires_at) values (?, ?)",
                    [_hash(signature), expires_at],
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def release(self, signature: str) -> None:
        """Forget a claim whose handling failed, so HubSpot's retry of the same request works."""
        with write_transaction(self.db):
            self.db.execute(
                "delete from signed_requests where signature_hash = ?", [_hash(signature)]
            )
