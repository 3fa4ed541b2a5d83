"""`make run`'s stack: the app, the worker and both sandboxes start together and stop together."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, deadline: float, check=lambda r: r.ok) -> requests.Response:
    last = None
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, timeout=2)
            if check(response):
                return response
            last = response.status_code
        except requests.ConnectionError as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up: {last}")


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=30)
    return output


def test_the_local_stack_serves_app_worker_and_both_sandboxes_with_demo_data(tmp_path):
    app, hubspot, tripletex = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TXSYNC_")}
    env.update(TXSYNC_INSTANCE_PATH=str(tmp_path),
               TXSYNC_PUBLIC_BASE_URL=f"http://127.0.0.1:{app}",
               TXSYNC_HUBSPOT_API_BASE=f"http://127.0.0.1:{hubspot}",
               TXSYNC_HUBSPOT_APP_BASE=f"http://127.0.0.1:{hubspot}",
               TXSYNC_TRIPLETEX_API_BASE=f"http://127.0.0.1:{tripletex}/v2")
    proc = subprocess.Popen([sys.executable, "-m", "webapp.devstack"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    output = ""
    try:
        deadline = time.monotonic() + 60
        health = wait_for(f"http://127.0.0.1:{app}/healthz", deadline,
                          lambda r: r.ok and r.json()["worker"]["running"]).json()
        assert health["sandbox_mode"] is True
        portals = wait_for(f"http://127.0.0.1:{hubspot}/_sandbox/portals", deadline).json()
        assert portals["results"], "the HubSpot sandbox has a demo portal"
        companies = wait_for(f"http://127.0.0.1:{tripletex}/_sandbox/companies", deadline).json()
        assert companies["companies"][0]["bankAccountNumber"]
        home = requests.get(f"http://127.0.0.1:{app}/", timeout=5)
        assert "Sandbox mode" in home.text
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- stack output ---\n{stop(proc)}") from None
    else:
        output = stop(proc)
    assert proc.returncode == 0, output
    assert f"http://127.0.0.1:{app}/" in output
    for port in (app, hubspot, tripletex):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served"
