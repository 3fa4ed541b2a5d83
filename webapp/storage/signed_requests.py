"""Signed requests from HubSpot already acted on: each signature works once.

HubSpot signs every request with a timestamp, so a legitimate request never repeats a
signature; a repeat within the five minutes the signature stays valid is a replay. HubSpot
itself sends a request again only after a 5xx or a failed connection, so a claim is
released when handling fails and the retry gets its turn.
"""
from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable

from sqlite_utils import Database

from .sqlite import write_transaction


def _hash(signature: str) -> str:
    return hashlib.sha256(signature.encode("utf-8", "replace")).hexdigest()


def claim(db: Database, signature: str, expires_at: float, *,
          clock: Callable[[], float] = time.time) -> bool:
    """Mark the signature used until `expires_at` (epoch seconds); False if it already was."""
    with write_transaction(db):
        db.execute("delete from signed_requests where expires_at < ?", [clock()])
        try:
            db.execute("insert into signed_requests (signature_hash, expires_at) values (?, ?)",
                       [_hash(signature), expires_at])
        except sqlite3.IntegrityError:
            return False
    return True


def release(db: Database, signature: str) -> None:
    """Forget a claim whose handling failed, so HubSpot's retry of the same request works."""
    with write_transaction(db):
        db.execute("delete from signed_requests where signature_hash = ?", [_hash(signature)])
