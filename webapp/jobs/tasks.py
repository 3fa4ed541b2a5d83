"""The worker's tasks, declared on a Huey instance for one configuration.

Nothing is read at import: the app factory builds the queue from its configuration and calls
`declare`, so the web app (which enqueues) and the worker (which runs) share one definition,
and each task opens collaborators of its own from the configuration it was given.
"""

from __future__ import annotations

from dataclasses import dataclass

from huey import Huey
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

    return Tasks(
        heartbeat=beat,
        daily_upkeep=daily_upkeep,
        sync_pending=sync_pending,
        sync_preview=sync_preview,
        sync_backfill=sync_backfill,
    )
