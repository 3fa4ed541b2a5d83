"""What the benchmarks share: ports, waiting for a server, the product's environment, serving
a sandbox in a thread and timing calls to it."""

from __future__ import annotations

import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
PORTAL = 4000001  # the HubSpot sandbox's demo portal
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def start_stack(folder: Path, *, worker: bool = False):
    """Both sandboxes (demo data), the app under gunicorn and, if asked, the worker, as
    processes of their own on free ports; (processes, environment, app, HubSpot, Tripletex)."""
    ports = {name: free_port() for name in ("app", "hubspot", "tripletex")}
    app_url = f"http://127.0.0.1:{ports['app']}"
    hubspot, tripletex = (f"http://127.0.0.1:{ports[n]}" for n in ("hubspot", "tripletex"))
    env = environment(folder, app_url, hubspot, tripletex)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "migrate"], cwd=ROOT, env=env, **QUIET
    )
    hooks = ROOT / "hubspot/src/app/webhooks/webhooks-hsmeta.json"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "webapp.sandbox.hubspot", "--demo", "--port",
             str(ports["hubspot"]), "--app-target", app_url, "--webhooks-file", str(hooks)],
            cwd=ROOT, **QUIET,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "webapp.sandbox.tripletex", "--demo", "--port",
             str(ports["tripletex"])],
            cwd=ROOT, **QUIET,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b",
             f"127.0.0.1:{ports['app']}", "--access-logfile", "/dev/null", "wsgi:app"],
            cwd=ROOT, env=env, **QUIET,
        ),
    ]  # fmt: skip
    if worker:
        log = open(folder / "worker.log", "w")  # noqa: SIM115 (the process keeps it)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                cwd=ROOT,
                env=dict(env, TXSYNC_LOG_LEVEL="INFO"),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    wait_up(f"{hubspot}/_sandbox/portals")
    wait_up(f"{tripletex}/_sandbox/companies")
    wait_up(f"{app_url}/healthz")
    return procs, env, app_url, hubspot, tripletex


def stop(procs) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr or done.stdout)
    return done.stdout


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
