"""`make run`: start the app, the worker and the sandboxes on loopback, and stop them together."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Collection
from pathlib import Path
from urllib.parse import urlsplit

from .config import default_instance_path, load_config
from .sandbox.persistence import UNREADABLE, code_fingerprint, written_by

# A background job (`make run &` in a script, nohup, CI, some supervisors) starts with SIGINT
# ignored, and an ignored signal stays ignored across fork and exec. devstack catches these
# whatever it inherited, and as exec resets caught signals to their defaults, the children it
# starts afterwards honour them too. SIGINT sent to make's pid alone stays lost when make itself
# ignores it; make does pass SIGTERM on to devstack.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

# The worker gets SIGINT: Huey's consumer takes it as a graceful stop (idle threads end at once,
# a running task finishes), whereas on SIGTERM it exits at once and its daemon worker threads
# die mid-task. The web servers hold nothing worth finishing, and SIGTERM ends them whatever
# they do with KeyboardInterrupt.
STOP_WITH = {"worker": signal.SIGINT}

# Seconds the children get to stop before they are killed.
GRACE = 10

# Each simulator's world file in the instance folder, by the simulator's package.
SANDBOX_DIR = Path(__file__).resolve().parent / "sandbox"
# The app's webhook subscriptions, which the HubSpot sandbox sends events for, as HubSpot would.
WEBHOOKS_COMPONENT = (
    Path(__file__).resolve().parent.parent / "hubspot/src/app/webhooks/webhooks-hsmeta.json"
)
WORLDS = {"hubspot": "sandbox-hubspot.state", "tripletex": "sandbox-tripletex.state"}
PR_SET_PDEATHSIG = 1  # prctl(2)


def commands(config: dict, instance: Path, *, fresh: Collection[str] = ()) -> dict[str, list[str]]:
    """The processes of a local stack, by name.

    The simulators keep their worlds in the instance folder, so a restart finds the portals,
    companies and tokens the app's database links to; those named in `fresh` start over.
    """
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    public = urlsplit(config["PUBLIC_BASE_URL"])
    stack = {
        "app": flask
        + [
            "run",
            "--no-reload",
            "--host",
            public.hostname or "127.0.0.1",
            "--port",
            str(public.port or 5000),
        ],
        "worker": flask + ["worker"],
    }
    if config["SANDBOX_MODE"]:
        # The simulators listen where sandbox mode points the clients (overridable in config).
        hubspot = urlsplit(config["HUBSPOT_API_BASE"])
        tripletex = urlsplit(config["TRIPLETEX_API_BASE"])
        stack["hubspot-sandbox"] = [
            sys.executable,
            "-m",
            "webapp.sandbox.hubspot",
            "--demo",
            "--host",
            hubspot.hostname or "127.0.0.1",
            "--port",
            str(hubspot.port or 5001),
            "--app-target",
            config["PUBLIC_BASE_URL"],
            "--webhooks-file",
            str(WEBHOOKS_COMPONENT),
            "--state-file",
            str(instance / WORLDS["hubspot"]),
            *(["--fresh"] if "hubspot" in fresh else []),
        ]
        stack["tripletex-sandbox"] = [
            sys.executable,
            "-m",
            "webapp.sandbox.tripletex",
            "--demo",
            "--host",
            tripletex.hostname or "127.0.0.1",
            "--port",
            str(tripletex.port or 5002),
            "--state-file",
            str(instance / WORLDS["tripletex"]),
            *(["--fresh"] if "tripletex" in fresh else []),
        ]
    return stack


def outdated_worlds(instance: Path, database: str) -> dict[str, str]:
    """The simulators whose saved world is not the one the app's database links to, and why.

    A world written by another version of its simulator's code is not loaded (its shape may
    no longer fit); a missing or unreadable one is gone too, if the app's database exists
    (a database without its worlds holds links to portals and tokens no simulator has).
    """
    have_database = Path(database).exists()
    reasons = {}
    for name, file in WORLDS.items():
        writer = written_by(instance / file)
        if writer is None and have_database:
            reasons[name] = f"the {name} sandbox's saved world is missing"
        elif writer == UNREADABLE:
            reasons[name] = f"the {name} sandbox's saved world cannot be read"
        elif writer not in (None, code_fingerprint(SANDBOX_DIR / name)):
            reasons[name] = f"the {name} sandbox's code changed since its last run"
    return reasons


def forget_sandbox_world(config: dict, why: str) -> None:
    """Start the sandbox over: the app's database goes with the simulators' worlds, since it
    links to their portals, companies and tokens (sandbox mode only)."""
    for path in (config["DATABASE"], config["QUEUE_DATABASE"]):
        for name in (path, f"{path}-wal", f"{path}-shm"):
            Path(name).unlink(missing_ok=True)
    say(f"  {why}: starting afresh, with the sandboxes' demo data and an empty app database.")


def say(text: str) -> None:
    """Print a line, and carry on if the terminal has hung up (SIGHUP) and refuses it."""
    try:
        print(text, flush=True)
    except OSError:
        pass


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if devstack dies, even by SIGKILL (Linux)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(cmd: list[str]) -> subprocess.Popen:
    """Start a child in a process group of its own, with no terminal input."""
    # Its own group, so that only devstack signals it: a Ctrl-C to the terminal's group would
    # otherwise reach the worker as well, and Huey takes a second SIGINT as "abandon the running
    # task". No stdin, so that a child outside the terminal's foreground group never blocks on it.
    # Being outside devstack's group, a child would outlive a killed devstack and keep its port;
    # on Linux the kernel stops it instead.
    return subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        process_group=0,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )


def stop(procs: dict[str, subprocess.Popen]) -> None:
    """Ask every child to stop, wait at most GRACE seconds, then kill those still running."""
    for name, proc in procs.items():
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, STOP_WITH.get(name, signal.SIGTERM))
            except ProcessLookupError:
                pass  # It exited since the poll.
    deadline = time.monotonic() + GRACE
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            say(f"{name} did not stop within {GRACE} s; killed it.")


def main() -> int:
    """Run the stack until a stop signal or a child's exit; 0 only for a requested stop."""
    requested: list[int] = []
    # Before the first child starts, so that none inherits an ignored stop signal.
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda signum, _frame: requested.append(signum))
    fresh: set[str] = set()
    instance = default_instance_path()
    config = load_config(instance)
    if config["SANDBOX_MODE"]:
        if "--fresh" in sys.argv[1:]:
            forget_sandbox_world(config, "FRESH=1")
            fresh = set(WORLDS)
        elif outdated := outdated_worlds(instance, config["DATABASE"]):
            why = "; ".join(outdated.values())
            forget_sandbox_world(config, why[0].upper() + why[1:])
            # The outdated ones move their files aside themselves; the others forget theirs.
            fresh = set(WORLDS) - set(outdated)
    procs: dict[str, subprocess.Popen] = {}
    try:
        for name, cmd in commands(config, instance, fresh=fresh).items():
            if requested:
                return 0
            procs[name] = start(cmd)
        say(
            f"\n  Tripletex Sync for HubSpot is starting at {config['PUBLIC_BASE_URL']}/\n"
            + (
                "  Sandbox mode: HubSpot and Tripletex are local simulators.\n"
                if config["SANDBOX_MODE"]
                else ""
            )
            + "  Press Ctrl-C to stop.\n"
        )
        while not requested:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    say(f"{name} exited with status {proc.returncode}; stopping.")
                    return 1
            time.sleep(0.5)
        say("Stopping.")
        return 0
    finally:
        stop(procs)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
