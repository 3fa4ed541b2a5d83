"""Held deals: won deals that wait for a fix, what stops each, and trying them again.

A deal is held when its order or invoice could not be made (a missing delivery date, a
product Tripletex lacks, the plan's limit, Tripletex's refusal); the binder keeps the problem
on the deal's row. Retry puts the deal into the inbox as if HubSpot had sent an event for it,
so the worker reads it as it is now; an invoice made but not sent is not held (it exists, and
sending it again is the accountant's call in Tripletex).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..collaborators import Collaborators
from ..portal.problems import Problem
from .deals import NOT_WAITING, PLAN_LIMIT

HUBSPOT_TYPE = "deals"
RETRY = "app.retry"  # how a retry reads in the inbox


@dataclass(frozen=True)
class HeldDeal:
    hubspot_id: str
    name: str
    problem: Problem
    since: str  # when it was last tried (UTC, ISO 8601)


def held_deals(c: Collaborators, portal_id: int, *, limit: int = 50) -> list[HeldDeal]:
    """The portal's held deals, most recently tried first (one entry a deal)."""
    found: dict[str, HeldDeal] = {}
    rows = c.mappings.failing(
        portal_id,
        limit=limit * 2,  # a deal's order and invoice rows may both say why
        hubspot_type=HUBSPOT_TYPE,
        except_kinds=tuple(sorted(NOT_WAITING)),
    )
    for row in rows:
        problem = row.get("problem") or {}
        if row["hubspot_id"] in found:
            continue
        detail = problem.get("detail") or {}
        found[row["hubspot_id"]] = HeldDeal(
            row["hubspot_id"],
            str(detail.get("deal") or detail.get("record") or row["hubspot_id"]),
            Problem(str(problem.get("kind") or "unexpected"), detail),
            row["updated_at"],
        )
    return list(found.values())[:limit]


def retry(c: Collaborators, portal_id: int, hubspot_ids) -> int:
    """Queue these deals to be read and tried again; returns how many were queued."""
    now = int(c.clock.time() * 1000)
    return c.inbox.store(
        [
            {
                "portal_id": portal_id,
                "subscription_type": RETRY,
                "object_type": HUBSPOT_TYPE,
                "object_id": str(hubspot_id),
                "property_name": "",
                "occurred_at": now,
                "event": {"retry": True},
            }
            for hubspot_id in hubspot_ids
        ]
    )


def release_plan_holds(c: Collaborators, portal_id: int) -> int:
    """The plan was raised: every deal the old plan's limit held is tried again."""
    plan_held = [
        h.hubspot_id for h in held_deals(c, portal_id, limit=10_000) if h.problem.kind == PLAN_LIMIT
    ]
    return retry(c, portal_id, plan_held) if plan_held else 0
