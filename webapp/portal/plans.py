"""Subscription plans and the monthly invoice count their limits are measured against."""

from __future__ import annotations

from datetime import datetime, time, timezone

from ..collaborators import Collaborators
from ..timeutil import OSLO, isoformat


def find_plan(plans: list[dict], plan_id: str | None) -> dict | None:
    return next((p for p in plans if p["id"] == plan_id), None)


def month_start_utc(now: datetime) -> datetime:
    """The start of the current calendar month in Oslo, as UTC."""
    local = now.astimezone(OSLO)
    start = datetime.combine(local.date().replace(day=1), time(0), tzinfo=OSLO)
    return start.astimezone(timezone.utc)


def invoices_this_month(c: Collaborators, portal_id: int) -> int:
    """Count invoices the app created for a portal this month (Europe/Oslo).

    Counted from the links to Tripletex invoices, not from the log: a log line is a record of
    what happened, not a meter, and wording it differently must not change what a user pays.
    """
    since = isoformat(month_start_utc(c.clock.now()))
    return c.mappings.count_created(portal_id, "invoice", since=since)


def within_limit(plan: dict, used: int) -> bool:
    limit = plan.get("invoice_limit")
    return limit is None or used < limit
