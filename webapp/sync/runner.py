"""Running a portal's sync: one run at a time per portal, taken without waiting.

A second run for a busy portal is told so at once (`PortalBusy`); the worker's task then asks
the queue to try again later, rather than park a thread on the lock. The lease is renewed
after every page, so a run that died lets go within `LOCK_TTL`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..collaborators import Collaborators
from ..storage.locks import Held
from .backfill import backfill
from .context import SyncContext
from .live import process_pending
from .outcome import RetryLater, Summary
from .preview import CURSOR as PREVIEW_CURSOR
from .preview import compute
from .reconcile import reconcile
from .settings import KEY, SyncSettings

LOCK_TTL = 120.0  # seconds: far longer than a page takes, short enough after a crash
ROUNDS = 3  # times a live run looks again for events that came in while it ran


class PortalBusy(Exception):
    """Another run holds this portal's sync; try again later."""


@contextmanager
def portal_held(c: Collaborators, portal_id: int) -> Iterator[Held]:
    lease = Held(c.db, f"sync:{portal_id}", ttl=LOCK_TTL, clock=c.clock)
    if not lease.take():
        raise PortalBusy(f"portal {portal_id} is being synced already")
    try:
        yield lease
    finally:
        lease.release()


def run_backfill(
    c: Collaborators,
    portal_id: int,
    *,
    on_page: Callable[[dict], None] | None = None,
    restart: bool = False,
) -> dict:
    """The portal's backfill to the end (or to the first error that stops it)."""
    with portal_held(c, portal_id) as lease:
        ctx = SyncContext.for_portal(c, portal_id)

        def page_done(progress: dict) -> None:
            if not lease.renew():
                raise PortalBusy(f"portal {portal_id}'s lease lapsed and another run took it")
            if on_page:
                on_page(progress)

        return backfill(ctx, on_page=page_done, restart=restart)


def run_pending(c: Collaborators, portal_id: int) -> Summary:
    """Act on every event the portal has pending (live sync), then return.

    An event that arrives while the run holds the portal has its task told "busy", and that
    task tries again seconds later; so before it lets go, the run looks once more and takes
    such late events itself (a few rounds at most, so one run never holds a worker for ever).
    """
    summary = Summary()
    for round_ in range(ROUNDS):
        try:
            with portal_held(c, portal_id) as lease:

                def batch_done() -> None:
                    if not lease.renew():
                        raise PortalBusy(
                            f"portal {portal_id}'s lease lapsed and another run took it"
                        )

                ctx = SyncContext.for_portal(c, portal_id)
                summary.add(process_pending(ctx, on_batch=batch_done))
        except PortalBusy:
            if round_ == 0:
                raise
            return summary  # another run took the portal: the late events are its own
        live = ctx.settings.confirmed and not ctx.settings.paused
        if not (live and c.inbox.count_pending(portal_id)):
            break
    return summary


def confirm_first_sync(c: Collaborators, portal_id: int) -> None:
    """The person (or operator) confirmed the first sync: live sync may run from now on."""
    stored = c.installations.setting(portal_id, KEY) or {}
    c.installations.set_setting(portal_id, KEY, dict(stored, confirmed=True))


def run_preview(c: Collaborators, portal_id: int) -> dict:
    """Compute the first sync's preview (it only reads)."""
    with portal_held(c, portal_id) as lease:
        ctx = SyncContext.for_portal(c, portal_id)

        def page_done(progress: dict) -> None:
            if not lease.renew():
                raise PortalBusy(f"portal {portal_id}'s lease lapsed and another run took it")

        try:
            return compute(ctx, on_page=page_done)
        except (PortalBusy, RetryLater):
            raise  # tried again by the queue: still "reading…"
        except Exception as failure:
            # The page says so, and the person may look again; not "reading…" for ever.
            error = getattr(failure, "error", None)
            reason = str(getattr(error, "message", "") or failure)[:300]
            ctx.cursors.put(portal_id, PREVIEW_CURSOR, {"state": "failed", "message": reason})
            raise


def run_reconcile(c: Collaborators, portal_id: int) -> Summary:
    """Queue what changed in HubSpot since the last reconciliation, then act on it."""
    with portal_held(c, portal_id) as lease:
        ctx = SyncContext.for_portal(c, portal_id)
        if not ctx.settings.confirmed or ctx.settings.paused:
            return Summary()
        reconcile(ctx)

        def batch_done() -> None:
            if not lease.renew():
                raise PortalBusy(f"portal {portal_id}'s lease lapsed and another run took it")

        return process_pending(ctx, on_batch=batch_done)


def syncing_portals(c: Collaborators) -> list[int]:
    """Installed portals whose first sync was confirmed and that are not paused."""
    return [
        portal_id
        for portal_id in c.installations.active_ids()
        if (settings := SyncSettings.from_stored(c.installations.setting(portal_id, KEY))).confirmed
        and not settings.paused
    ]
