"""The first sync: every company of the portal, a page at a time, resuming where it stopped.

The checkpoint (HubSpot's paging cursor and the counts so far) is committed after each page,
so a worker killed half-way starts again at the page it was on; the page itself is safe to
do twice (links are reused, creates in flight are looked up before they are made again).
"""

from __future__ import annotations

from collections.abc import Callable

from ..clients.errors import ApiError
from .context import SyncContext
from .customers import HUBSPOT_TYPE, CustomerSync
from .outcome import Summary, stop_for

CURSOR = "backfill"
PAGE = 100  # HubSpot's largest list page, and Tripletex's `/list` batch


def backfill(
    ctx: SyncContext, *, on_page: Callable[[dict], None] | None = None, restart: bool = False
) -> dict:
    """Sync every company; return the progress as stored (`stage` is "done" at the end).

    `restart` begins again from the first page even if an earlier backfill finished.
    """
    progress = ctx.cursors.get(ctx.portal_id, CURSOR)
    if restart or not progress:
        progress = {"stage": HUBSPOT_TYPE, "after": None, "done": 0, "counts": {}}
    if progress["stage"] == "done":
        return progress
    run = CustomerSync(ctx)
    properties = run.properties()
    while progress["stage"] == HUBSPOT_TYPE:
        try:
            companies, after = ctx.hubspot.list_page(
                HUBSPOT_TYPE, after=progress["after"], properties=properties, limit=PAGE
            )
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        summary = run.sync(companies) if companies else Summary()
        counts = dict(progress["counts"])
        for key, value in summary.counts.items():
            counts[key] = counts.get(key, 0) + value
        progress = dict(
            progress,
            after=after,
            done=progress["done"] + len(companies),
            counts=counts,
            stage=HUBSPOT_TYPE if after else "done",
        )
        ctx.cursors.put(ctx.portal_id, CURSOR, progress)
        if on_page:
            on_page(progress)
    return progress
