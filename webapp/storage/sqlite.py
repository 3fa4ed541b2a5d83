"""SQLite connections, transactions and migrations, free of Flask so the worker can use them."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from ..migrations import migrations


def connect(path: str) -> Database:
    """Open the database in WAL mode with foreign keys enforced."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout: the web app and the worker write to the same file.
    conn = sqlite3.connect(path, timeout=15)
    db = Database(conn)
    if path != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 15000")
    return db


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
    """Apply pending migrations and return the names applied."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending
