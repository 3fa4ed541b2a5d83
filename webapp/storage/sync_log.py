"""The sync log: one row per thing the sync did or failed to do, per portal."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from ..timeutil import isoformat


class SyncLog:
    """Read the sync log (the sync engine writes it)."""

    def __init__(self, db: Database):
        self.db = db

    def count(self, portal_id: int, action: str, *, status: str = "ok", since: datetime) -> int:
        """How many times `action` ended with `status` for the portal since a moment."""
        row = next(
            self.db.query(
                "select count(*) as n from sync_log where portal_id = ? and action = ? "
                "and status = ? and at >= ?",
                [portal_id, action, status, isoformat(since)],
            )
        )
        return row["n"]
