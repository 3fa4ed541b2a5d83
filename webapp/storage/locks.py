"""Leases in the database, so the web app and the worker never do the same thing at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock
from .sqlite import write_transaction

TTL = 60.0  # seconds a lease lasts when its holder crashed without releasing it
WAIT = 45.0  # seconds the worker waits for a lease another process holds
WAIT_WHILE_PERSON_WAITS = 5.0


class LockTimeout(Exception):
    """Another process held the lease for longer than we were willing to wait."""


@contextmanager
def lease(
    db: Database, name: str, *, ttl: float = TTL, wait: float = WAIT, clock: Clock = SYSTEM_CLOCK
) -> Iterator[None]:
    """Hold the named lease; a crashed holder's lease lapses after `ttl` seconds."""
    holder = uuid.uuid4().hex
    deadline = clock.time() + wait
    while True:
        now = clock.time()
        with write_transaction(db):
            db.execute(
                "insert into locks (name, holder, expires_at) values (?, ?, ?) "
                "on conflict(name) do update set holder = excluded.holder, "
                "expires_at = excluded.expires_at where locks.expires_at < ?",
                [name, holder, now + ttl, now],
            )
        held = next(db.query("select holder from locks where name = ?", [name]), None)
        if held and held["holder"] == holder:
            break
        if now >= deadline:
            raise LockTimeout(name)
        clock.sleep(0.05)
    try:
        yield
    finally:
        with write_transaction(db):
            db.execute("delete from locks where name = ? and holder = ?", [name, holder])


class Held:
    """A lease taken without waiting, for long work that renews it as it goes (a portal's
    sync): a busy name means "retry later", never a thread parked on a lock."""

    def __init__(self, db: Database, name: str, *, ttl: float, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.name = name
        self.ttl = ttl
        self.clock = clock
        self.holder = uuid.uuid4().hex

    def take(self) -> bool:
        """Take the lease if it is free (or its holder's has lapsed); False if it is held."""
        now = self.clock.time()
        with write_transaction(self.db):
            self.db.execute(
                "insert into locks (name, holder, expires_at) values (?, ?, ?) "
                "on conflict(name) do update set holder = excluded.holder, "
                "expires_at = excluded.expires_at where locks.expires_at < ?",
                [self.name, self.holder, now + self.ttl, now],
            )
        held = next(self.db.query("select holder from locks where name = ?", [self.name]), None)
        return bool(held and held["holder"] == self.holder)

    def renew(self) -> bool:
        """Push the lease's end out by its ttl; False if it lapsed and another holder took it."""
        with write_transaction(self.db):
            cursor = self.db.execute(
                "update locks set expires_at = ? where name = ? and holder = ?",
                [self.clock.time() + self.ttl, self.name, self.holder],
            )
        return cursor.rowcount == 1

    def release(self) -> None:
        with write_transaction(self.db):
            self.db.execute(
                "delete from locks where name = ? and holder = ?", [self.name, self.holder]
            )
