"""Serve a simulator from the command line until it is stopped, saving its world on the way out."""

from __future__ import annotations

import signal

from werkzeug.serving import run_simple

from .persistence import StateFile


def _stop(signum, frame) -> None:
    raise SystemExit(0)  # unwinds the server, so the `finally` below saves what changed


def serve_until_stopped(app, host: str, port: int, saved: StateFile | None) -> None:
    """Serve `app`, threaded; on SIGTERM or SIGINT stop, after a last save of the world."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if saved is not None:
            saved.stop()
