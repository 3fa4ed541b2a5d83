"""Clock and time-zone helpers: storage is UTC, what users see is Europe/Oslo."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

# tzdata is a dependency so this resolves on machines without a system zone database.
OSLO = ZoneInfo("Europe/Oslo")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
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


def for_display(value: datetime | str | None) -> str:
    """Render a timestamp for people, in Oslo time."""
    if value is None or value == "":
        return ""
    moment = parse(value) if isinstance(value, str) else value
    return moment.astimezone(OSLO).strftime("%d.%m.%Y %H:%M")
