"""A periodic heartbeat, so the app can tell whether the worker is running."""
from __future__ import annotations

import socket

from huey import crontab

from ..storage.sqlite import connect, write_transaction
from ..timeutil import isoformat, utcnow
from .queue import config, huey

WORKER_NAME = socket.gethostname()


@huey.periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Record that a worker is alive."""
    record_heartbeat(config["DATABASE"])


@huey.on_startup()
def announce() -> None:
    record_heartbeat(config["DATABASE"])


def record_heartbeat(database: str, worker: str = WORKER_NAME) -> None:
    db = connect(database)
    try:
        with write_transaction(db):
            db["worker_heartbeats"].upsert({"worker": worker, "seen_at": isoformat(utcnow())},
                                           pk="worker")
    finally:
        db.close()
