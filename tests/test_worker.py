"""The background worker as an operator runs it: a real `flask --app wsgi worker` process."""

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.redis_stand_in import redis_stand_in
from webapp.app import create_app
from webapp.config import default_instance_path, load_config
from webapp.db import connect
from webapp.jobs.queue import make_huey

# What `flask --app wsgi worker` reads: the tests' instance folder (tests/conftest.py).
config = load_config(default_instance_path())

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def heartbeats():
    db = connect(config["DATABASE"])
    try:
        return db["worker_heartbeats"].count if db["worker_heartbeats"].exists() else 0
    finally:
        db.close()


@pytest.fixture
def worker_process():
    # The app migrates on start; do it first so the worker finds its tables.
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "migrate"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()


def test_worker_runs_tasks_queued_by_another_process(worker_process):
    heartbeat = create_app().extensions["tasks"].heartbeat  # the web app's side
    assert wait_for(lambda: heartbeats() == 1), "the worker never announced itself"
    db = connect(config["DATABASE"])
    with db.atomic():
        db.execute("delete from worker_heartbeats")
    db.close()

    heartbeat()  # enqueued into the SQLite queue; the worker process runs it

    assert wait_for(lambda: heartbeats() == 1), "the queued task never ran"
    assert worker_process.poll() is None


def test_with_a_redis_url_the_web_app_queues_its_tasks_in_that_redis_not_in_sqlite(tmp_path):
    queue_file = tmp_path / "queue.sqlite3"
    with redis_stand_in() as redis:
        host, port = redis.server_address
        app = create_app(
            {"REDIS_URL": f"redis://{host}:{port}/3", "QUEUE_DATABASE": str(queue_file)}
        )
        huey = app.extensions["huey"]
        try:
            app.extensions["tasks"].heartbeat()  # what the web app does to queue a task
        finally:
            huey.storage.pool.disconnect()  # no socket left for the garbage collector
    selected = [c[1:] for c in redis.commands if c[0] == b"SELECT"]
    pushed = [c[1:] for c in redis.commands if c[0] == b"LPUSH"]
    assert selected == [[b"3"]]  # the database the URL names
    assert [key for key, _ in pushed] == [b"huey.redis.txsync"]
    # What the worker would take off that list: the heartbeat task itself.
    assert isinstance(
        huey.deserialize_task(pushed[0][1]), app.extensions["tasks"].heartbeat.task_class
    )
    assert not queue_file.exists()


def test_the_sqlite_queue_and_its_wal_and_shm_files_are_readable_by_their_owner_only(tmp_path):
    previous = os.umask(0o022)  # under which SQLite alone would make them 0644
    try:
        queue = make_huey(dict(config, REDIS_URL="", QUEUE_DATABASE=str(tmp_path / "q.sqlite3")))
        queue.storage.enqueue(b"task")  # a write, so the -wal and -shm files exist
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
        queue.storage.close()
    finally:
        os.umask(previous)
    assert modes == {"q.sqlite3": 0o600, "q.sqlite3-wal": 0o600, "q.sqlite3-shm": 0o600}
