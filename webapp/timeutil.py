"""The clock and time-zone helpers: storage is UTC, what users see is Europe/Oslo.

One `Clock` is passed to storage and the API clients alike, so a test that moves time moves
it for all of them; nothing else reads the system's time.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

# tzdata is a dependency so this resolves on machines without a system zone database.
OSLO = ZoneInfo("Europe/Oslo")


class Clock:
    """The system's time: wall time (aware UTC, or epoch seconds), a monotonic clock, a sleep."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def today(self) -> date:
        """Today in Norway, which is what Tripletex dates mean."""
        return oslo_today(self.now())


SYSTEM_CLOCK = Clock()


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (prefer a Clock's `now`)."""
    return datetime.now(timezone.utc)


def isoformat(moment: datetime) -> str:
    """Format an aware datetime as UTC ISO-8601 for storage."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse(value: str) -> datetime:
    """Parse a stored ISO-8601 timestamp into an aware datetime."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def oslo_today(now: datetime | None = None) -> date:
    """Return today's date in Norway, which is what Tripletex dates mean."""
    return (now or utcnow()).astimezone(OSLO).date()
