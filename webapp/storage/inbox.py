"""HubSpot's webhook events, kept from their arrival until the worker has acted on them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock, isoformat
from .sqlite import chunks, write_transaction

PENDING = "pending"
DONE = "done"


class Inbox:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def store(self, events: Iterable[dict]) -> int:
        """Insert events (already checked) in one transaction; repeats are dropped. Returns
        how many were new."""
        now = isoformat(self.clock.now())
        rows = [
            (
                e["portal_id"],
                now,
                e["subscription_type"],
                e["object_type"],
                str(e["object_id"]),
                e.get("property_name") or "",
                e["occurred_at"],
                # The engine reads records as they are now, never an event's value: keeping
                # the value would keep personal data (an e-mail) the sync has no use for.
                json.dumps(
                    {k: v for k, v in e["event"].items() if k != "propertyValue"}, sort_keys=True
                ),
            )
            for e in events
        ]
        if not rows:
            return 0
        with write_transaction(self.db):
            before = self.db.conn.total_changes
            self.db.conn.executemany(
                "insert or ignore into sync_inbox (portal_id, received_at, subscription_type, "
                "object_type, object_id, property_name, occurred_at, event) "
                "values (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            return self.db.conn.total_changes - before

    def pending(self, portal_id: int, *, limit: int = 1000) -> list[dict]:
        """The oldest pending events of a portal, oldest first."""
        return [
            dict(row, event=json.loads(row["event"] or "{}"))
            for row in self.db.query(
                "select * from sync_inbox where portal_id = ? and state = ? order by id limit ?",
                [portal_id, PENDING, limit],
            )
        ]

    def done(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        now = isoformat(self.clock.now())
        with write_transaction(self.db):
            for chunk in chunks(ids):
                self.db.execute(
                    f"update sync_inbox set state = ?, processed_at = ? "
                    f"where id in ({','.join('?' * len(chunk))})",
                    [DONE, now, *chunk],
                )

    def count_pending(self, portal_id: int) -> int:
        return next(
            self.db.query(
                "select count(*) as n from sync_inbox where portal_id = ? and state = ?",
                [portal_id, PENDING],
            )
        )["n"]

    def forget(self, portal_id: int, object_type: str, object_ids) -> None:
        """Delete every event about these records (a privacy deletion)."""
        with write_transaction(self.db):
            for object_id in object_ids:
                self.db.execute(
                    "delete from sync_inbox where portal_id = ? and object_type = ? "
                    "and object_id = ?",
                    [portal_id, object_type, str(object_id)],
                )

    def purge_done(self, before: str) -> int:
        """Delete events acted on before a moment (ISO); they are of no more use."""
        with write_transaction(self.db):
            cursor = self.db.execute(
                "delete from sync_inbox where state = ? and processed_at < ?", [DONE, before]
            )
        return cursor.rowcount

    def scrub(self) -> None:
        """Write the log's pages back into the database file, so deleted rows are gone from the
        write-ahead log too (deleted content is zeroed: `secure_delete`, set on connect)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
