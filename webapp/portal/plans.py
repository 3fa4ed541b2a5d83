"""Subscription plans and the monthly invoice count their limits are measured against."""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlite_utils import Database

from ..timeutil import OSLO, utcnow


def find_plan(plans: list[dict], plan_id: str | None) -> dict | None:
    return next((p for p in plans if p["id"] == plan_id), None)


def month_start_utc(now: datetime | None = None) -> datetime:
    """The start of the current calendar month in Oslo, as UTC."""
    local = (now or utcnow()).astimezone(OSLO)
    start = datetime.combine(local.date().replace(day=1), time(0), tzinfo=OSLO)
    return start.astimezone(timezone.utc)


def invoices_this_month(db: Database, portal_id: int, now: datetime | None = None) -> int:
    """Count invoices the app created for a portal this month (Europe/Oslo)."""
    since = month_start_utc(now).isoformat(timespec="seconds")
    row = db.execute("select count(*) from sync_log where portal_id = ? and action = "
                     "'invoice_created' and status = 'ok' and at >= ?",
                     [portal_id, since]).fetchone()
    return row[0]


def within_limit(plan: dict, used: int) -> bool:
    limit = plan.get("invoice_limit")
    return limit is None or used < limit
