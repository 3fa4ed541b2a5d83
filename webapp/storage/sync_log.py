"""The sync log: one row per thing the sync did or failed to do, per portal."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock, isoformat
from .sqlite import write_transaction

TO_TRIPLETEX = "to_tripletex"
TO_HUBSPOT = "to_hubspot"


@dataclass(frozen=True)
class Entry:
    """One operation: what it did to which record on each side, and how it ended.

    `message` is the problem's one-line English form (for logs and the CLI); `problem` keeps
    its kind and details, so a page can say it in the reader's language.
    """

    direction: str
    hubspot_type: str
    hubspot_id: str | None
    action: str  # create | link | update | unchanged | write_back | ...
    status: str  # ok | failed | skipped
    object_type: str = ""  # the Tripletex kind: customer | contact | product | ...
    tripletex_id: int | None = None
    message: str = ""
    problem: dict | None = None
    request_id: str | None = None
    details: dict = field(default_factory=dict)


class SyncLog:
    """Write and read one portal's sync log."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def record(self, portal_id: int, entries: Iterable[Entry]) -> None:
        """Append entries, in one transaction, all stamped now."""
        at = isoformat(self.clock.now())
        rows = [
            {
                "portal_id": portal_id,
                "at": at,
                "direction": e.direction,
                "hubspot_type": e.hubspot_type,
                "object_type": e.object_type,
                "hubspot_id": e.hubspot_id,
                "tripletex_id": e.tripletex_id,
                "action": e.action,
                "status": e.status,
                "message": e.message,
                "problem": json.dumps(e.problem, sort_keys=True) if e.problem else None,
                "request_id": e.request_id,
                "details": json.dumps(e.details, sort_keys=True) if e.details else None,
            }
            for e in entries
        ]
        if rows:
            with write_transaction(self.db):
                self.db["sync_log"].insert_all(rows)

    def forget(self, portal_id: int, hubspot_type: str, hubspot_ids) -> None:
        """Delete every entry about these records (a privacy deletion)."""
        with write_transaction(self.db):
            for hubspot_id in hubspot_ids:
                self.db.execute(
                    "delete from sync_log where portal_id = ? and hubspot_type = ? "
                    "and hubspot_id = ?",
                    [portal_id, hubspot_type, str(hubspot_id)],
                )

    def latest(
        self,
        portal_id: int,
        *,
        limit: int = 20,
        status: str | None = None,
        direction: str | None = None,
    ) -> list[dict]:
        """The newest entries first, optionally only those with a status or direction."""
        where, args = "portal_id = ?", [portal_id]
        if status:
            where, args = where + " and status = ?", [*args, status]
        if direction:
            where, args = where + " and direction = ?", [*args, direction]
        return [
            _decoded(row)
            for row in self.db.query(
                f"select * from sync_log where {where} order by id desc limit ?", [*args, limit]
            )
        ]

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


def _decoded(row: dict) -> dict:
    row = dict(row)
    for name in ("problem", "details"):
        if row.get(name):
            row[name] = json.loads(row[name])
    return row
