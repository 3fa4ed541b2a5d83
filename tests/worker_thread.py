"""The app's worker on threads of the test process, as `flask --app wsgi worker` runs it."""

from __future__ import annotations

import signal
from contextlib import contextmanager


@contextmanager
def worker(app, threads: int = 2):
    """Run the app's Huey consumer until the block ends (its signal handlers put back after)."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = app.extensions["huey"].create_consumer(
        workers=threads, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2
    )
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
