"""`make run`: start the app, the worker and the sandboxes on loopback, and stop them together."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

from .config import default_instance_path, load_config

def commands(config: dict) -> dict[str, list[str]]:
    """The processes of a local stack, by name."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    public = urlsplit(config["PUBLIC_BASE_URL"])
    stack = {
        "app": flask + ["run", "--no-reload", "--host", public.hostname or "127.0.0.1",
                        "--port", str(public.port or 5000)],
        "worker": flask + ["worker"],
    }
    if config["SANDBOX_MODE"]:
        # The simulators listen where sandbox mode points the clients (overridable in config).
        hubspot = urlsplit(config["HUBSPOT_API_BASE"])
        tripletex = urlsplit(config["TRIPLETEX_API_BASE"])
        stack["hubspot-sandbox"] = [
            sys.executable, "-m", "webapp.sandbox.hubspot", "--demo",
            "--host", hubspot.hostname or "127.0.0.1", "--port", str(hubspot.port or 5001),
            "--app-target", config["PUBLIC_BASE_URL"]]
        stack["tripletex-sandbox"] = [
            sys.executable, "-m", "webapp.sandbox.tripletex", "--demo",
            "--host", tripletex.hostname or "127.0.0.1", "--port", str(tripletex.port or 5002)]
    return stack


def main() -> int:
    config = load_config(default_instance_path())
    procs = {name: subprocess.Popen(cmd) for name, cmd in commands(config).items()}
    print(f"\n  Tripletex Sync for HubSpot is starting at {config['PUBLIC_BASE_URL']}/\n"
          + ("  Sandbox mode: HubSpot and Tripletex are local simulators.\n"
             if config["SANDBOX_MODE"] else "") + "  Press Ctrl-C to stop.\n", flush=True)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(f"{name} exited with status {proc.returncode}; stopping.", flush=True)
                    stopping = True
            time.sleep(0.5)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.time() + 10
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                proc.kill()
    return max((p.returncode or 0) for p in procs.values()) if not stopping else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
