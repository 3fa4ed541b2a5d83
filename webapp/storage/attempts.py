"""Attempt limits: at most so many attempts per key in a sliding window, shared by every process.

The web app may run as several processes, so the count lives in the database, not in memory.
"""

from __future__ import annotations

import math

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock
from .sqlite import write_transaction

FORGET_AFTER = 86400.0  # seconds; longer than any window a limit uses


class Attempts:
    """Count attempts per key (a portal, a client address) and say how long to wait."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def take(self, limits: dict[str, tuple[int, float]]) -> int:
        """Record one attempt under every key, unless one of them is at its limit.

        `limits` maps key -> (attempts allowed, window in seconds). Returns 0 when the
        attempt is recorded, else the whole seconds to wait (and records nothing).
        """
        now = self.clock.time()
        with write_transaction(self.db):
            # Keys that never come back (an address seen once) would otherwise stay for ever.
            self.db.execute("delete from attempts where at <= ?", [now - FORGET_AFTER])
            wait = 0.0
            for key, (allowed, window) in limits.items():
                self.db.execute(
                    "delete from attempts where key = ? and at <= ?", [key, now - window]
                )
                recent = [
                    row["at"]
                    for row in self.db.query(
                        "select at from attempts where key = ? order by at desc limit ?",
                        [key, allowed],
                    )
                ]
                if len(recent) >= allowed:
                    # A slot frees when the oldest of the last `allowed` attempts ages out.
                    wait = max(wait, recent[-1] + window - now)
            if wait > 0:
                return max(1, math.ceil(wait))
            for key in limits:
                self.db.execute("insert into attempts (key, at) values (?, ?)", [key, now])
        return 0
