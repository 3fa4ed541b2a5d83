"""Leases in the database, so the web app and the worker never do the same thing at once."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from .sqlite import write_transaction


class LockTimeout(Exception):
    """Another process held the lease for longer than we were willing to wait."""


@contextmanager
def lease(db: Database, name: str, *, ttl: float = 60.0, wait: float = 45.0,
          clock: Callable[[], float] = time.time,
          sleep: Callable[[float], None] = time.sleep) -> Iterator[None]:
    """Hold the named lease; a crashed holder's lease lapses after `ttl` seconds."""
    holder = uuid.uuid4().hex
    deadline = clock() + wait
    while True:
        now = clock()
        with write_transaction(db):
            db.execute(
                "insert into locks (name, holder, expires_at) values (?, ?, ?) "
                "on conflict(name) do update set holder = excluded.holder, "
                "expires_at = excluded.expires_at where locks.expires_at < ?",
                [name, holder, now + ttl, now])
        row = db.execute("select holder from locks where name = ?", [name]).fetchone()
        if row and row[0] == holder:
            break
        if now >= deadline:
            raise LockTimeout(name)
        sleep(0.05)
    try:
        yield
    finally:
        with write_transaction(db):
            db.execute("delete from locks where name = ? and holder = ?", [name, holder])
