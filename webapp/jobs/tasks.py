"""The worker's tasks, declared on a Huey instance for one configuration.

Nothing is read at import: the app factory builds the queue from its configuration and calls
`declare`, so the web app (which enqueues) and the worker (which runs) share one definition,
and each task opens collaborators of its own from the configuration it was given.
"""

from __future__ import annotations

from dataclasses import dataclass

from huey import Huey, crontab
from huey.api import TaskWrapper

from ..collaborators import Collaborators
from . import heartbeat, sync, upkeep


@dataclass(frozen=True)
class Tasks:
    heartbeat: TaskWrapper
    daily_upkeep: TaskWrapper
    sync_pending: TaskWrapper
    sync_preview: TaskWrapper
    sync_backfill: TaskWrapper
    sync_reconcile: TaskWrapper


def declare(huey: Huey, config: dict) -> Tasks:
    """Declare every task on `huey`; calling one of them enqueues it."""

    @huey.periodic_task(heartbeat.SCHEDULE, name="heartbeat")
    def beat() -> None:
        with Collaborators.opened(config) as c:
            heartbeat.beat(c)

    @huey.on_startup(name="announce")
    def announce() -> None:
        with Collaborators.opened(config) as c:
            heartbeat.beat(c)

    @huey.periodic_task(upkeep.SCHEDULE, name="daily_upkeep")
    def daily_upkeep() -> None:
        with Collaborators.opened(config) as c:
            upkeep.run_upkeep(c)

    @huey.task(name="sync_pending")
    def sync_pending(portal_id: int) -> None:
        with Collaborators.opened(config) as c:
            sync.pending(c, portal_id)

    @huey.task(name="sync_preview")
    def sync_preview(portal_id: int) -> None:
        with Collaborators.opened(config) as c:
            sync.preview(c, portal_id)

    @huey.task(name="sync_backfill")
    def sync_backfill(portal_id: int) -> None:
        with Collaborators.opened(config) as c:
            sync.backfill(c, portal_id)

    @huey.task(name="sync_reconcile")
    def sync_reconcile(portal_id: int) -> None:
        with Collaborators.opened(config) as c:
            sync.reconcile(c, portal_id)

    @huey.task(name="sync_full")
    def sync_full(portal_id: int) -> None:
        with Collaborators.opened(config) as c:
            sync.full(c, portal_id)

    # Every portal on its own task: one slow portal holds a worker thread, not the others.
    minutes = max(1, int(config["RECONCILE_MINUTES"]))

    @huey.periodic_task(crontab(minute=f"*/{minutes}"), name="reconcile_portals")
    def reconcile_portals() -> None:
        with Collaborators.opened(config) as c:
            for portal_id in sync.portals(c):
                sync_reconcile(portal_id)

    @huey.periodic_task(crontab(minute="43", hour="1"), name="full_reconcile_portals")
    def full_reconcile_portals() -> None:
        with Collaborators.opened(config) as c:
            for portal_id in sync.portals(c):
                sync_full(portal_id)

    return Tasks(
        heartbeat=beat,
        daily_upkeep=daily_upkeep,
        sync_pending=sync_pending,
        sync_preview=sync_preview,
        sync_backfill=sync_backfill,
        sync_reconcile=sync_reconcile,
    )
