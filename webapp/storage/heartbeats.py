"""The worker's heartbeats, so the app can tell whether a worker is running."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock, isoformat, parse
from .sqlite import write_transaction

STALE_AFTER = timedelta(minutes=3)  # the heartbeat runs every minute


class Heartbeats:
    """Record and read when each worker last checked in."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def record(self, worker: str) -> None:
        """Note that `worker` is alive now."""
        with write_transaction(self.db):
            self.db["worker_heartbeats"].upsert(
                {"worker": worker, "seen_at": isoformat(self.clock.now())}, pk="worker"
            )

    def latest(self) -> datetime | None:
        """When any worker last checked in."""
        row = next(
            self.db.query("select seen_at from worker_heartbeats order by seen_at desc limit 1"),
            None,
        )
        return parse(row["seen_at"]) if row else None

    def running(self) -> bool:
        """Whether a worker checked in recently enough to be running."""
        seen = self.latest()
        return seen is not None and self.clock.now() - seen < STALE_AFTER
