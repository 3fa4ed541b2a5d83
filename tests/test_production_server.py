"""The README's production command (gunicorn with gunicorn.conf.py) against a slow Tripletex.

A slow Tripletex must not hold the app hostage: while several people wait on connecting, the
health check and HubSpot's signed requests still answer, and every connect ends with the app's
own page (done, or explained), not with gunicorn killing the request.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.journey import IN_FRAME, connect_tripletex, install, text_of
from tests.servers import InFlight, LateApp, serving
from webapp.sandbox.hubspot import create_app as create_hubspot
from webapp.sandbox.tripletex import create_app as create_tripletex

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
DEADLINE = 12  # seconds: a connect at 3 s a call fits, one at 5 s a call does not


@dataclass
class Served:
    app_url: str
    hubspot_url: str
    tripletex_url: str
    tripletex_calls: InFlight


@contextmanager
def production_stack(folder: Path):
    """Both sandboxes in this process, the app under gunicorn exactly as the README runs it."""
    with ExitStack() as stack:
        late = {name: LateApp() for name in ("hubspot", "tripletex")}
        hubspot_url = stack.enter_context(serving(late["hubspot"], poll_interval=0.05))
        tripletex_url = stack.enter_context(serving(late["tripletex"], poll_interval=0.05))
        # Bound here and handed to gunicorn (`fd://`), so no other process can take the port.
        listener = stack.enter_context(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        app_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        late["hubspot"].app = create_hubspot(
            {"demo": True, "redirect_uris": [f"{app_url}/oauth/callback"]}
        )
        tripletex = create_tripletex({"demo": True})
        tripletex.wsgi_app = InFlight(tripletex.wsgi_app)
        late["tripletex"].app = tripletex
        env = {k: v for k, v in os.environ.items() if not k.startswith("TXSYNC_")}
        env.update(
            TXSYNC_INSTANCE_PATH=str(folder),
            TXSYNC_PUBLIC_BASE_URL=app_url,
            TXSYNC_HUBSPOT_API_BASE=hubspot_url,
            TXSYNC_HUBSPOT_APP_BASE=hubspot_url,
            TXSYNC_TRIPLETEX_API_BASE=f"{tripletex_url}/v2",
            TXSYNC_HTTP_INTERACTIVE_DEADLINE=str(DEADLINE),
        )
        log = open(folder / "gunicorn.log", "w+")
        stack.callback(log.close)
        server = subprocess.Popen(
            [
                str(GUNICORN),
                "-c",
                "gunicorn.conf.py",
                "-b",
                f"fd://{listener.fileno()}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )
        stack.callback(stop, server)
        wait_until_up(app_url + "/healthz", server, log)
        yield Served(app_url, hubspot_url, tripletex_url, tripletex.wsgi_app), log


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def wait_until_up(url: str, server: subprocess.Popen, log) -> None:
    for _ in range(300):
        if server.poll() is not None:
            log.seek(0)
            pytest.fail("gunicorn exited:\n" + log.read())
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not come up")


def signed_fetch(served: Served, portal_id: int) -> int:
    reply = requests.post(
        served.hubspot_url + "/_sandbox/fetch",
        json={
            "method": "POST",
            "url": served.app_url + "/hubspot/settings/session",
            "portalId": portal_id,
        },
        timeout=60,
    ).json()
    return reply["status"]


def connect_in_background(served: Served, browsers: list, token: str) -> tuple[list, list]:
    results: list = [None] * len(browsers)

    def run(i):
        results[i] = connect_tripletex(served, browsers[i], token)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    return threads, results


def test_slow_tripletex_cannot_hold_the_production_server_hostage(tmp_path):
    with production_stack(tmp_path) as (served, log):
        portals = (4000001, 4000002)
        browsers = [install(served, portal_id=p)[0] for p in portals] + [
            install(served, portal_id=4000001)[0]
        ]
        requests.post(
            served.tripletex_url + "/_sandbox/faults", json={"latency_ms": 3000}
        ).raise_for_status()

        threads, results = connect_in_background(served, browsers, "demo-employee-token")
        assert served.tripletex_calls.wait_for(3)  # all three are waiting on Tripletex
        health = requests.get(served.app_url + "/healthz", timeout=30)
        signed = signed_fetch(served, 4000001)
        still_connecting = sum(t.is_alive() for t in threads)
        for thread in threads:
            thread.join(timeout=60)

        assert health.status_code == 200 and signed == 200
        assert still_connecting == 3, "the health check waited for the slow connects"
        assert [r.status_code for r in results] == [200, 200, 200]
        assert all(r.url.endswith("/setup/check") for r in results)

        # Slower than the deadline allows: explained by the app, nothing stored.
        requests.post(
            served.tripletex_url + "/_sandbox/faults", json={"latency_ms": 5000}
        ).raise_for_status()
        other = install(served, portal_id=4000002)[0]
        connected_before = other.get(served.app_url + "/setup/tripletex")
        assert "Connected to Tripletex" in text_of(connected_before.text)
        companies = requests.get(served.tripletex_url + "/_sandbox/companies").json()
        fresh_token = next(
            t["token"] for t in companies["companies"][1]["tokens"] if t["label"] == "working"
        )
        late = connect_tripletex(served, other, fresh_token)

        assert late.status_code == 504
        assert "nothing was saved" in text_of(late.text)
        # The working connection made before is untouched by the failed replacement.
        assert "Nordvik Demo AS" in text_of(other.get(served.app_url + "/setup/tripletex").text)

        # A framed sign-in: its URLs carry the login token, then the session, through the log.
        framed = requests.Session()
        framed.headers.update(IN_FRAME)
        login = requests.post(
            served.hubspot_url + "/_sandbox/fetch",
            json={
                "method": "POST",
                "url": served.app_url + "/hubspot/settings/session",
                "portalId": 4000001,
            },
            timeout=60,
        ).json()["body"]["url"]
        inside = framed.get(login)
        assert "_s=" in inside.url
        carried = inside.url.split("_s=", 1)[1].split("&", 1)[0]
        framed.get(inside.url.replace("/setup/check", "/setup/tripletex"))

        log.seek(0)
        written = log.read()
        assert "WORKER TIMEOUT" not in written
        assert "GET /setup/" in written and "_s=***" in written
        assert login.split("login=", 1)[1] not in written and carried not in written
