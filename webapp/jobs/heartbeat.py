"""A heartbeat every minute, so the app can tell whether the worker is running."""

from __future__ import annotations

import socket

from huey import crontab

from ..collaborators import Collaborators

WORKER_NAME = socket.gethostname()
SCHEDULE = crontab(minute="*")


def beat(c: Collaborators, worker: str = WORKER_NAME) -> None:
    """Record that a worker is alive."""
    c.heartbeats.record(worker)
