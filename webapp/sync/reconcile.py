"""Reconciliation: catch what a webhook missed (HubSpot gives up after about a day of retries).

Every run asks HubSpot's search for the records modified since the last checkpoint, and puts
each into the inbox as if an event had named it; the live path then reads them as they are
now and writes what differs, so a record already synced costs a comparison and nothing more.
The windows overlap by `OVERLAP` (search lags behind writes), and a window matching more than
search's 10,000 results is halved until it fits.
"""

from __future__ import annotations

from datetime import datetime

from ..clients.errors import ApiError
from ..clients.hubspot import SearchTooBroad
from .context import SyncContext
from .outcome import stop_for

CURSOR = "reconcile"
OVERLAP_MS = 5 * 60 * 1000  # search may show a write minutes late; look back this far
# The modification date each type has (contacts' is not hs_lastmodifieddate).
MODIFIED = {
    "companies": "hs_lastmodifieddate",
    "contacts": "lastmodifieddate",
    "products": "hs_lastmodifieddate",
    "deals": "hs_lastmodifieddate",
}
KIND = "reconcile.modified"  # how these entries read in the inbox


def reconcile(ctx: SyncContext) -> dict:
    """Queue every record modified since the last run; return the new checkpoint."""
    now_ms = int(ctx.clock.time() * 1000)
    checkpoint = ctx.cursors.get(ctx.portal_id, CURSOR) or {}
    since = int(checkpoint.get("until") or now_ms) - OVERLAP_MS
    found = 0
    for object_type, prop in MODIFIED.items():
        entries = []
        for record in _modified(ctx, object_type, prop, since, now_ms):
            modified = str((record.get("properties") or {}).get(prop) or "")
            entries.append(
                {
                    "portal_id": ctx.portal_id,
                    "subscription_type": KIND,
                    "object_type": object_type,
                    "object_id": str(record["id"]),
                    "property_name": "",
                    # The same modification found twice is one entry (the inbox's key).
                    "occurred_at": _millis(modified) or now_ms,
                    "event": {"reconciled": True},
                }
            )
        found += ctx.inbox.store(entries)
    checkpoint = {"until": now_ms, "queued": found}
    ctx.cursors.put(ctx.portal_id, CURSOR, checkpoint)
    return checkpoint


def _modified(ctx: SyncContext, object_type: str, prop: str, start: int, end: int):
    """Records modified in [start, end), halving the window while search says it is too broad."""
    filters = [
        {"propertyName": prop, "operator": "GTE", "value": str(start)},
        {"propertyName": prop, "operator": "LT", "value": str(end)},
    ]
    try:
        yield from ctx.hubspot.search(
            object_type,
            filter_groups=[{"filters": filters}],
            properties=[prop],
            sorts=[{"propertyName": prop, "direction": "ASCENDING"}],
        )
    except SearchTooBroad:
        if end - start <= 1:
            raise
        middle = (start + end) // 2
        yield from _modified(ctx, object_type, prop, start, middle)
        yield from _modified(ctx, object_type, prop, middle, end)
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error


def _millis(value: str) -> int | None:
    """HubSpot's datetime (milliseconds, or ISO 8601) as milliseconds."""
    if value.isdigit():
        return int(value)
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None
