"""What the benchmarks share: ports, waiting for a server, the product's environment, serving
a sandbox in a thread and timing calls to it."""

from __future__ import annotations

import logging
import os
import socket
import statistics
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 60.0) -> None:
    """Wait until a server answers at `url` (anything but a 5xx)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def environment(folder: Path, app_url: str, hubspot: str, tripletex: str) -> dict:
    return dict(
        os.environ,
        TXSYNC_INSTANCE_PATH=str(folder),
        TXSYNC_DATABASE=str(folder / "app.sqlite3"),
        TXSYNC_QUEUE_DATABASE=str(folder / "queue.sqlite3"),
        TXSYNC_PUBLIC_BASE_URL=app_url,
        TXSYNC_HUBSPOT_API_BASE=hubspot,
        TXSYNC_HUBSPOT_APP_BASE=hubspot,
        TXSYNC_TRIPLETEX_API_BASE=f"{tripletex}/v2",
        TXSYNC_LOG_LEVEL="WARNING",
    )


def serve(app):
    """Serve a WSGI app on a free loopback port in a thread; (server, base URL)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def timed(label: str, repeat: int, call) -> None:
    """Call `call(n)` `repeat` times and print the median and p95 in milliseconds."""
    times, status = [], None
    for n in range(repeat):
        started = time.perf_counter()
        response = call(n)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"  {label:<62} {statistics.median(times):7.1f} ms median  {p95:7.1f} ms p95  "
        f"(HTTP {status})"
    )
