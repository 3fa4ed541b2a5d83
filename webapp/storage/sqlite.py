"""SQLite connections, transactions and migrations, free of Flask so the worker can use them."""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from .migrations import migrations

log = logging.getLogger(__name__)


def connect(path: str) -> Database:
    """Open the database in WAL mode with foreign keys enforced."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        private_file(path)
    # A generous busy timeout: the web app and the worker write to the same file.
    conn = sqlite3.connect(path, timeout=15)
    db = Database(conn)
    if path != ":memory:":
        _enable_wal(db)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 15000")
    # Deleted rows are overwritten, not just unlinked: a privacy deletion leaves no trace in
    # the file (whatever the SQLite build's default).
    db.execute("PRAGMA secure_delete = ON")
    return db


def private_file(path: str) -> None:
    """Create a SQLite file readable by its owner only (0600), or make an existing one so."""
    # SQLite gives the -wal, -shm and journal files the main file's mode, so a main file
    # made 0600 before SQLite first opens it keeps them all private, whatever the umask.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _tighten(path)
    else:
        os.fchmod(fd, 0o600)  # the umask may only take bits away; this puts them back
        os.close(fd)


@functools.cache
def _tighten(path: str) -> None:
    """Make a database others can open 0600, with its -wal and -shm; once a process."""
    for name in (path, f"{path}-wal", f"{path}-shm"):
        try:
            mode = os.stat(name).st_mode & 0o777
        except FileNotFoundError:
            continue
        if not mode & 0o007:
            continue
        try:
            os.chmod(name, 0o600)
            log.warning("%s was open to other users (mode %o); it is now 0600", name, mode)
        except PermissionError:
            log.warning("%s is open to other users (mode %o) and not ours to chmod", name, mode)


def _enable_wal(db: Database, attempts: int = 100) -> None:
    # Switching the journal mode ignores the busy timeout, and on a new file the app and
    # the worker may both try at once; the setting is persistent, so one success is enough.
    for attempt in range(attempts):
        if next(db.query("PRAGMA journal_mode"))["journal_mode"] == "wal":
            return
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)


def chunks(values: list, size: int = 500) -> Iterator[list]:
    """`values` in runs short enough for one statement: SQLite allows 999 parameters in some
    builds, and a query names a few of its own besides the list."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock up front.

    A plain BEGIN starts as a reader; upgrading to a writer while another process writes
    fails at once with "database is locked" instead of waiting out the busy timeout.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")


def migrate(db: Database) -> list[str]:
    """Apply pending migrations and return the names applied.

    The write lock is taken first, so when the app and the worker start together on a new
    database one migrates and the other then finds nothing pending.
    """
    with write_transaction(db):
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return pending


def reachable(db: Database) -> None:
    """Raise unless the database answers (for the health check)."""
    db.execute("select 1").fetchone()
