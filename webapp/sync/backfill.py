"""The first sync: every company, then every contact, then every product, then every deal, a
page at a time, resuming where it stopped.

Dependencies go first (a contact needs its company's customer, a deal its customer and
products); won deals from before the app are linked or left out as the person chose. The
checkpoint (the stage, HubSpot's paging cursor and the counts so far) is committed after each
page, so a worker killed half-way starts again at the page it was on; the page itself is safe
to do twice (links are reused, creates in flight are looked up before they are made again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..clients.errors import ApiError
from . import contacts, deal_history
from .context import SyncContext
from .customers import CustomerSync
from .deal_history import DealHistory
from .outcome import PageFailed, Summary, stop_for
from .page import page_failed
from .products import ProductSync

CURSOR = "backfill"
PAGE = 100  # HubSpot's largest list page, and Tripletex's `/list` batch
DONE = "done"


@dataclass(frozen=True)
class Stage:
    hubspot_type: str
    properties: list[str]
    associations: tuple[str, ...]
    sync: Callable[[list[dict]], Summary]


def stages(ctx: SyncContext) -> list[Stage]:
    customers, products, history = CustomerSync(ctx), ProductSync(ctx), DealHistory(ctx)
    return [
        Stage("companies", customers.properties(), (), customers.sync),
        Stage(
            "contacts",
            contacts.properties(),
            ("companies",),
            lambda page: contacts.sync_contacts(ctx, page),
        ),
        Stage("products", products.properties(), (), products.sync),
        Stage("deals", history.properties(), (), history.sync),
    ]


def fresh_progress(first: str) -> dict:
    return {"stage": first, "after": None, "done": {}, "counts": {}}


def backfill(
    ctx: SyncContext, *, on_page: Callable[[dict], None] | None = None, restart: bool = False
) -> dict:
    """Sync every record of every stage; return the progress as stored (stage "done" at the
    end). `restart` begins again from the first page even if an earlier backfill finished."""
    plan = stages(ctx)
    names = [s.hubspot_type for s in plan]
    progress = ctx.cursors.get(ctx.portal_id, CURSOR)
    if restart or not progress or progress.get("stage") not in [*names, DONE]:
        progress = fresh_progress(names[0])
        # Kept at once: a run stopped before its first page resumes this fresh start.
        ctx.cursors.put(ctx.portal_id, CURSOR, progress)
    for stage in plan:
        if progress["stage"] != stage.hubspot_type:
            continue
        while progress["stage"] == stage.hubspot_type:
            try:
                records, after = ctx.hubspot.list_page(
                    stage.hubspot_type,
                    after=progress["after"],
                    properties=stage.properties,
                    associations=stage.associations,
                    limit=PAGE,
                )
            except ApiError as error:
                raise stop_for(error, idempotent=True) from error
            try:
                summary = stage.sync(records) if records else Summary()
            except PageFailed as failure:
                summary = page_failed(ctx, stage.hubspot_type, records, failure)
                failed_pages = progress.get("failed_pages") or []
                progress = dict(progress, failed_pages=[*failed_pages, stage.hubspot_type])
            progress = _advanced(progress, stage.hubspot_type, records, summary, after, names)
            if progress["stage"] == DONE and "deals" not in (progress.get("failed_pages") or []):
                # Old won deals on a page that failed were never left out: the history stays
                # open, and the next full run goes through them again.
                deal_history.finished(ctx)
            ctx.cursors.put(ctx.portal_id, CURSOR, progress)
            if on_page:
                on_page(progress)
    return progress


def _advanced(progress, name, records, summary, after, names) -> dict:
    counts = dict(progress["counts"].get(name) or {})
    for key, value in summary.counts.items():
        counts[key] = counts.get(key, 0) + value
    done = dict(progress["done"], **{name: progress["done"].get(name, 0) + len(records)})
    following = names[names.index(name) + 1] if names.index(name) + 1 < len(names) else DONE
    return {
        "stage": name if after else following,
        "after": after,
        "done": done,
        "counts": dict(progress["counts"], **{name: counts}),
        "failed_pages": progress.get("failed_pages") or [],
    }
