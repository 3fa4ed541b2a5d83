"""The sync's tasks: a line around the engine each. A busy portal, or a service asking us to
slow down, means "run again later": a worker thread is never parked on a lock or a sleep."""

from __future__ import annotations

import logging

from huey.exceptions import RetryTask

from ..collaborators import Collaborators
from ..sync.context import NotConnected
from ..sync.outcome import PageFailed, RetryLater, SyncPaused
from ..sync.runner import (
    PortalBusy,
    run_backfill,
    run_pending,
    run_preview,
    run_reconcile,
    syncing_portals,
)

log = logging.getLogger(__name__)
BUSY_DELAY = 5.0  # seconds: another run holds the portal; it picks up new events as it goes
MIN_RETRY_DELAY = 5.0


def pending(c: Collaborators, portal_id: int) -> None:
    """Act on the portal's pending webhook events."""
    _run(run_pending, c, portal_id)


def preview(c: Collaborators, portal_id: int) -> None:
    """Compute the first sync's preview."""
    _run(run_preview, c, portal_id)


def backfill(c: Collaborators, portal_id: int) -> None:
    """Run the confirmed first sync to its end (resuming from its checkpoint), then act on the
    events that arrived meanwhile."""
    _run(run_backfill, c, portal_id)
    _run(run_pending, c, portal_id)


def reconcile(c: Collaborators, portal_id: int) -> None:
    """Catch what webhooks missed since the last run."""
    _run(run_reconcile, c, portal_id)


def full(c: Collaborators, portal_id: int) -> None:
    """The nightly full reconciliation: every record compared again (unchanged ones cost a
    comparison, no write)."""
    _run(lambda c, p: run_backfill(c, p, restart=True), c, portal_id)


def portals(c: Collaborators) -> list[int]:
    return syncing_portals(c)


def _run(work, c: Collaborators, portal_id: int) -> None:
    try:
        summary = work(c, portal_id)
    except PortalBusy:
        raise RetryTask(delay=BUSY_DELAY) from None
    except RetryLater as exc:
        log.info("portal %s: %s; trying again later", portal_id, exc)
        raise RetryTask(delay=max(exc.delay, MIN_RETRY_DELAY)) from None
    except NotConnected as exc:
        log.info("portal %s: nothing to sync (%s)", portal_id, exc)
        return
    except PageFailed as exc:
        # Refused in a way no retry changes (a page's records are logged as failed where that
        # is possible); retrying the task would only meet the same answer.
        log.warning("portal %s: stopped, refused for good (%s)", portal_id, exc)
        return
    except SyncPaused as exc:
        # The events stay pending; they are acted on once the portal is reconnected.
        log.warning("portal %s: sync paused, access refused (%s)", portal_id, exc)
        return
    counts = getattr(summary, "counts", None)
    if counts:
        log.info("portal %s: %s", portal_id, dict(counts))
