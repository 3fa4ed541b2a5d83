"""`make run`'s stack: the app, the worker and both sandboxes start together and stop together."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

import webapp.sandbox.tripletex
from webapp.collaborators import Collaborators
from webapp.config import load_config
from webapp.portal.tripletex_link import TripletexLink
from webapp.sandbox.persistence import code_fingerprint
from webapp.web.sandbox_connect import DEMO_PORTAL

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


def as_a_background_job() -> None:
    """Ignore what a shell has its `&` jobs ignore (run in the child before exec)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGQUIT, signal.SIG_IGN)


def stack_environment(tmp_path: Path, ports: dict[str, int]) -> dict[str, str]:
    """The environment of a stack in `tmp_path` on `ports`."""
    # Leave out a calling make's settings (`make test`): its jobserver is not ours.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TXSYNC_") and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    }
    env.update(
        TXSYNC_INSTANCE_PATH=str(tmp_path),
        TXSYNC_PUBLIC_BASE_URL=f"http://127.0.0.1:{ports['app']}",
        TXSYNC_HUBSPOT_API_BASE=f"http://127.0.0.1:{ports['hubspot']}",
        TXSYNC_HUBSPOT_APP_BASE=f"http://127.0.0.1:{ports['hubspot']}",
        TXSYNC_TRIPLETEX_API_BASE=f"http://127.0.0.1:{ports['tripletex']}/v2",
    )
    return env


def start_stack(
    argv: list[str],
    tmp_path: Path,
    ports: dict[str, int] | None = None,
    *,
    background: bool = True,
) -> tuple[subprocess.Popen, dict[str, int]]:
    """Start `argv` in a session of its own, on free ports: as a shell's `&` job, or (not
    `background`) as a terminal's foreground job that Ctrl-C's SIGINT reaches."""
    ports = ports or {"app": free_port(), "hubspot": free_port(), "tripletex": free_port()}
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=stack_environment(tmp_path, ports),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=as_a_background_job if background else None,
    )
    return proc, ports


def wait_until_up(proc: subprocess.Popen, ports: dict[str, int]) -> dict:
    """Wait for the app (with a running worker) and both sandboxes; the app's health."""
    deadline = time.monotonic() + 60
    try:
        health = wait_for(
            f"http://127.0.0.1:{ports['app']}/healthz",
            deadline,
            lambda r: r.ok and r.json()["worker"]["running"],
        ).json()
        wait_for(f"http://127.0.0.1:{ports['hubspot']}/_sandbox/portals", deadline)
        wait_for(f"http://127.0.0.1:{ports['tripletex']}/_sandbox/companies", deadline)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- stack output ---\n{kill(proc)}") from None
    return health


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name, or None for no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def descendants(pid: int) -> set[int]:
    """The pids of every process below `pid` (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := proc_stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def still_running(pids: set[int]) -> set[int]:
    """Those of `pids` that have neither exited nor become zombies."""
    return {pid for pid in pids if (fields := proc_stat(pid)) and fields[0] != "Z"}


def left_running(pids: set[int]) -> set[int]:
    """Those of `pids` still running a moment after the job's output ended: a process closes
    its files before it finishes exiting, so the end of the output can come just before."""
    deadline = time.monotonic() + 5
    while (running := still_running(pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running


def kill(proc: subprocess.Popen, pids: set[int] = frozenset()) -> str:
    """Kill the job's session and `pids`; its output."""
    for pid in still_running(pids | descendants(proc.pid)):
        os.kill(pid, signal.SIGKILL)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return proc.communicate(timeout=30)[0]


def stop(proc: subprocess.Popen, pids: set[int], send) -> str:
    """Signal the job with `send()`; its output once it and every process below it is gone."""
    send()
    try:
        # The children share the job's stdout, so the end of it is the end of all of them.
        return proc.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"still running: {still_running(pids)}\n--- stack output ---\n{kill(proc, pids)}"
        ) from None


def assert_stopped_cleanly(output: str, ports: dict[str, int], pids: set[int]) -> None:
    """No process of the stack is left, none had to be killed, and every port is free."""
    assert "did not stop" not in output, output
    assert "exited with status" not in output, output
    assert not left_running(pids), output
    for name, port in ports.items():
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"{name} port {port} still served"


def test_the_stack_serves_demo_data_and_stops_on_sigint_when_started_in_the_background(tmp_path):
    proc, ports = start_stack([sys.executable, "-m", "webapp.devstack"], tmp_path)
    health = wait_until_up(proc, ports)
    pids = descendants(proc.pid)
    try:
        assert len(pids) == 4, pids
        assert health["sandbox_mode"] is True
        portals = requests.get(
            f"http://127.0.0.1:{ports['hubspot']}/_sandbox/portals", timeout=5
        ).json()
        assert portals["results"], "the HubSpot sandbox has a demo portal"
        companies = requests.get(
            f"http://127.0.0.1:{ports['tripletex']}/_sandbox/companies", timeout=5
        ).json()
        assert companies["companies"][0]["bankAccountNumber"]
        home = requests.get(f"http://127.0.0.1:{ports['app']}/", timeout=5)
        assert "Sandbox mode" in home.text
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- stack output ---\n{kill(proc, pids)}") from None
    # To devstack alone: nothing else signals its children.
    output = stop(proc, pids, lambda: proc.send_signal(signal.SIGINT))
    assert proc.returncode == 0, output
    assert f"http://127.0.0.1:{ports['app']}/" in output
    assert_stopped_cleanly(output, ports, pids)


def test_make_run_in_the_background_stops_on_sigterm_to_its_process_group(tmp_path):
    # `-o install`: the virtualenv is the one running the tests, and is not to be reinstalled.
    make = [
        "make",
        "--no-print-directory",
        "-o",
        "install",
        f"BIN={Path(sys.executable).parent}",
        "run",
    ]
    proc, ports = start_stack(make, tmp_path)
    wait_until_up(proc, ports)
    pids = descendants(proc.pid)
    output = stop(proc, pids, lambda: os.killpg(proc.pid, signal.SIGTERM))
    # make passes SIGTERM on to devstack, waits for it, then dies of the signal itself.
    assert proc.returncode == -signal.SIGTERM, output
    assert "Stopping." in output, output
    assert_stopped_cleanly(output, ports, pids)


def test_the_children_stop_even_when_devstack_itself_is_killed(tmp_path):
    proc, ports = start_stack([sys.executable, "-m", "webapp.devstack"], tmp_path)
    wait_until_up(proc, ports)
    pids = descendants(proc.pid)

    # SIGKILL cannot be caught: the kernel tells each child instead (PR_SET_PDEATHSIG).
    output = stop(proc, pids, lambda: os.kill(proc.pid, signal.SIGKILL))

    assert proc.returncode == -signal.SIGKILL
    assert "did not stop" not in output
    assert not left_running(pids), output
    for name, port in ports.items():
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"{name} port {port} still served"


MAKE_RUN = ["make", "--no-print-directory", "-o", "install", f"BIN={Path(sys.executable).parent}"]


def sandbox_connect(tmp_path: Path, ports: dict[str, int]) -> str:
    """What `flask --app wsgi sandbox connect` prints, run beside the stack."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "sandbox", "connect"],
        cwd=ROOT,
        env=stack_environment(tmp_path, ports),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def test_make_run_restarted_after_ctrl_c_shows_the_same_portal_installed_and_connected(tmp_path):
    """The simulators keep their worlds in the instance folder (issue 11, item 15): after
    Ctrl-C and `make run` again, the tokens the app's database holds still open both sides."""
    proc, ports = start_stack([*MAKE_RUN, "run"], tmp_path, background=False)
    wait_until_up(proc, ports)
    pids = descendants(proc.pid)
    try:
        assert sandbox_connect(tmp_path, ports) == str(DEMO_PORTAL)
        config = load_config(tmp_path, environ=stack_environment(tmp_path, ports))
        with Collaborators.opened(config) as c:
            company = c.hubspot(DEMO_PORTAL).create_object("companies", {"name": "Fjord AS"})
            customer = c.tripletex(DEMO_PORTAL).create("/customer", {"name": "Fjord AS"})
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- stack output ---\n{kill(proc, pids)}") from None
    # Ctrl-C: the terminal sends SIGINT to the whole foreground job.
    output = stop(proc, pids, lambda: os.killpg(proc.pid, signal.SIGINT))
    assert_stopped_cleanly(output, ports, pids)
    for name in ("sandbox-hubspot.state", "sandbox-tripletex.state"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600, name

    proc, ports = start_stack([*MAKE_RUN, "run"], tmp_path, ports, background=False)
    wait_until_up(proc, ports)
    pids = descendants(proc.pid)
    try:
        config = load_config(tmp_path, environ=stack_environment(tmp_path, ports))
        with Collaborators.opened(config) as c:
            assert c.installations.get(DEMO_PORTAL)["status"] == "active"
            # The HubSpot token from before the restart still reads the portal...
            assert c.hubspot(DEMO_PORTAL).account_details()["portalId"] == DEMO_PORTAL
            # ...and the Tripletex token still passes the connection check.
            assert TripletexLink(c).check(DEMO_PORTAL)["ok"] is True
            # What was written before the restart is still there on both sides.
            hubspot_company = c.hubspot(DEMO_PORTAL).get_object("companies", company["id"])
            assert hubspot_company["properties"]["name"] == "Fjord AS"
            tripletex_customer = c.tripletex(DEMO_PORTAL).get(f"/customer/{customer['id']}")
            assert tripletex_customer["name"] == "Fjord AS"
        assert sandbox_connect(tmp_path, ports) == str(DEMO_PORTAL)
        with Collaborators.opened(config) as c:
            assert [
                row["portal_id"] for row in c.db.query("select portal_id from installations")
            ] == [DEMO_PORTAL]
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- stack output ---\n{kill(proc, pids)}") from None
    output = stop(proc, pids, lambda: os.killpg(proc.pid, signal.SIGINT))
    assert_stopped_cleanly(output, ports, pids)


def test_a_world_saved_by_other_sandbox_code_starts_everything_afresh(tmp_path):
    """A simulator will not load a world another version of its code saved, so the app's
    database, which links to that world, is started over with it (and the user told why)."""
    (tmp_path / "sandbox-hubspot.state").write_bytes(b"an older simulator\n...")
    # The Tripletex world is current, but links to a HubSpot world that is gone: it must be
    # forgotten (--fresh deletes it), not loaded, nor moved aside as unreadable.
    tripletex_code = code_fingerprint(Path(webapp.sandbox.tripletex.__file__).parent)
    (tmp_path / "sandbox-tripletex.state").write_bytes(tripletex_code.encode() + b"\nnot a pickle")
    (tmp_path / "txsync.sqlite3").write_bytes(b"links to a world that is gone")
    proc, ports = start_stack([sys.executable, "-m", "webapp.devstack"], tmp_path)
    wait_until_up(proc, ports)
    pids = descendants(proc.pid)
    try:
        portals = requests.get(f"http://127.0.0.1:{ports['hubspot']}/_sandbox/portals", timeout=5)
        assert [p["id"] for p in portals.json()["results"]] == [DEMO_PORTAL, 4000002]
        assert (tmp_path / "sandbox-hubspot.state.unused").exists()
        assert not (tmp_path / "sandbox-tripletex.state.unused").exists()
        assert (tmp_path / "txsync.sqlite3").read_bytes()[:16] == b"SQLite format 3\x00"
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- stack output ---\n{kill(proc, pids)}") from None
    output = stop(proc, pids, lambda: proc.send_signal(signal.SIGINT))
    assert "The hubspot sandbox's code changed since its last run: starting afresh" in output
    assert_stopped_cleanly(output, ports, pids)


def test_an_app_database_without_its_saved_worlds_starts_everything_afresh(tmp_path):
    """A database left by a run that kept no world (an older release, or a deleted file)
    links to portals and tokens no simulator has: it is started over, and the user told."""
    (tmp_path / "txsync.sqlite3").write_bytes(b"links to a world that is gone")
    proc, ports = start_stack([sys.executable, "-m", "webapp.devstack"], tmp_path)
    wait_until_up(proc, ports)
    pids = descendants(proc.pid)
    try:
        assert (tmp_path / "txsync.sqlite3").read_bytes()[:16] == b"SQLite format 3\x00"
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- stack output ---\n{kill(proc, pids)}") from None
    output = stop(proc, pids, lambda: proc.send_signal(signal.SIGINT))
    assert "The hubspot sandbox's saved world is missing; the tripletex sandbox's saved" in output
    assert_stopped_cleanly(output, ports, pids)
