"""A portal's sync at a glance: linked, pending and failing counts, the last run and error."""

from __future__ import annotations

from .backfill import CURSOR
from .context import SyncContext


def status(ctx: SyncContext) -> dict:
    counts = ctx.mappings.counts(ctx.portal_id)
    failures = ctx.log.latest(ctx.portal_id, limit=1, status="failed")
    latest = ctx.log.latest(ctx.portal_id, limit=1)
    return {
        "portal_id": ctx.portal_id,
        "objects": {
            hubspot_type: {
                "linked": states.get("linked", 0),
                "pending": states.get("reserved", 0),
                "failing": states.get("failed", 0) + states.get("failing", 0),
            }
            for hubspot_type, states in sorted(counts.items())
        },
        "backfill": ctx.cursors.get(ctx.portal_id, CURSOR),
        "last_run": latest[0]["at"] if latest else None,
        "last_error": (
            {k: failures[0][k] for k in ("at", "hubspot_type", "hubspot_id", "message")}
            if failures
            else None
        ),
    }
