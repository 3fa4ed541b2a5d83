"""Storage: migrations, encrypted credentials, leases."""

import multiprocessing
import os
import sqlite3
import stat
import threading
from datetime import timedelta
from itertools import count

import pytest
from cryptography.fernet import Fernet

from webapp.crypto import SecretBox, SecretUnreadable
from webapp.db import connect, migrate
from webapp.storage.credentials import HUBSPOT_OAUTH, TRIPLETEX_EMPLOYEE, Credentials
from webapp.storage.installations import Installations
from webapp.storage.locks import LockTimeout, lease
from webapp.timeutil import isoformat, utcnow


def schema(db):
    return sorted(
        db.execute(
            "select type, name, sql from sqlite_master where name not like 'sqlite_%'"
        ).fetchall()
    )


def add_portal(db, portal_id=4000001):
    now = isoformat(utcnow())
    db["installations"].insert(
        {"portal_id": portal_id, "status": "active", "installed_at": now, "updated_at": now}
    )
    db.conn.commit()


def test_migrations_applied_twice_equal_once(tmp_path):
    once = connect(str(tmp_path / "once.sqlite3"))
    migrate(once)
    twice = connect(str(tmp_path / "twice.sqlite3"))
    migrate(twice)
    assert migrate(twice) == []
    assert schema(once) == schema(twice)
    assert [m["name"] for m in twice.query("select name from _sqlite_migrations")] == [
        "0001_initial",
        "0002_locks",
        "0003_login_tokens",
        "0004_session_epoch",
        "0005_abuse_limits",
        "0006_sync_engine",
        "0007_webhook_inbox",
        "0008_first_sync_preview",
        "0009_product_choices",
        "0010_mappings_created",
    ]


def _start_and_migrate(path):
    return migrate(connect(path))


def test_processes_starting_together_on_a_new_database_migrate_it_once(tmp_path):
    # `make run` and gunicorn start the app and the worker at the same moment.
    path = str(tmp_path / "new.sqlite3")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        applied = pool.map(_start_and_migrate, [path] * 4)
    assert sorted(len(names) for names in applied) == [0, 0, 0, 10]
    assert next(connect(path).query("pragma journal_mode"))["journal_mode"] == "wal"


def test_the_database_uses_write_ahead_logging(tmp_path):
    db = connect(str(tmp_path / "wal.sqlite3"))
    assert next(db.query("pragma journal_mode"))["journal_mode"] == "wal"


def test_raw_database_files_hold_no_plaintext_token(tmp_path, box):
    path = tmp_path / "secrets.sqlite3"
    db = connect(str(path))
    migrate(db)
    add_portal(db)
    creds = Credentials(db, box)
    creds.put(
        4000001,
        HUBSPOT_OAUTH,
        {"access_token": "CNaK-access-plaintext", "refresh_token": "1e8fbfb1-refresh-plaintext"},
    )
    creds.put(4000001, TRIPLETEX_EMPLOYEE, "eyJ0b2tlbklkIjo-employee-plaintext")

    assert creds.get(4000001, HUBSPOT_OAUTH) == {
        "access_token": "CNaK-access-plaintext",
        "refresh_token": "1e8fbfb1-refresh-plaintext",
    }
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # main file, WAL and shm
    for secret in (
        b"CNaK-access-plaintext",
        b"1e8fbfb1-refresh-plaintext",
        b"eyJ0b2tlbklkIjo-employee-plaintext",
    ):
        assert secret not in raw


def test_secrets_survive_key_rotation_and_refuse_a_wrong_key(fresh_db, box):
    add_portal(fresh_db)
    Credentials(fresh_db, box).put(4000001, TRIPLETEX_EMPLOYEE, "employee-token")
    new_key = Fernet.generate_key().decode()
    from tests.conftest import TEST_KEY

    rotated = SecretBox(f"{new_key},{TEST_KEY}")
    assert Credentials(fresh_db, rotated).get(4000001, TRIPLETEX_EMPLOYEE) == "employee-token"

    stranger = SecretBox(Fernet.generate_key().decode())
    with pytest.raises(SecretUnreadable):
        Credentials(fresh_db, stranger).get(4000001, TRIPLETEX_EMPLOYEE)


def test_credentials_need_an_installation(fresh_db, box):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        Credentials(fresh_db, box).put(999, TRIPLETEX_EMPLOYEE, "x")
    assert fresh_db["credentials"].count == 0


def test_deleting_a_portals_credentials_leaves_other_portals_alone(fresh_db, box):
    add_portal(fresh_db, 1)
    add_portal(fresh_db, 2)
    creds = Credentials(fresh_db, box)
    creds.put(1, TRIPLETEX_EMPLOYEE, "one")
    creds.put(2, TRIPLETEX_EMPLOYEE, "two")
    creds.delete(1)
    assert creds.get(1, TRIPLETEX_EMPLOYEE) is None
    assert creds.get(2, TRIPLETEX_EMPLOYEE) == "two"


def test_a_lease_excludes_a_second_holder_until_released(tmp_path):
    path = str(tmp_path / "locks.sqlite3")
    migrate(connect(path))
    second = connect(path)
    order = []
    entered = threading.Event()
    release = threading.Event()

    def hold():
        first = connect(path)  # sqlite3 connections belong to the thread that opened them
        with lease(first, "hubspot-refresh:1"):
            order.append("first in")
            entered.set()
            release.wait(5)
            order.append("first out")

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait(5)
    with pytest.raises(LockTimeout):
        with lease(second, "hubspot-refresh:1", wait=0):
            pass
    release.set()
    thread.join(5)
    with lease(second, "hubspot-refresh:1", wait=1):
        order.append("second in")
    assert order == ["first in", "first out", "second in"]


def test_a_crashed_holders_lease_lapses(fresh_db, sleeper):
    with pytest.raises(RuntimeError):
        with lease(fresh_db, "job", ttl=10, clock=sleeper):
            # Simulate a crash: the holder never releases (we delete nothing on this path).
            fresh_db.execute("update locks set holder = 'dead' where name = 'job'")
            fresh_db.conn.commit()
            raise RuntimeError
    sleeper.elapsed += 11
    with lease(fresh_db, "job", wait=0, clock=sleeper):
        holder = next(fresh_db.query("select holder from locks"))["holder"]
    assert holder != "dead"


@pytest.fixture
def permissive_umask():
    """Run with the common umask 022, under which SQLite alone would make files 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(folder) -> dict:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}


def test_a_new_database_and_its_wal_and_shm_files_are_readable_by_their_owner_only(
    tmp_path, permissive_umask
):
    db = connect(str(tmp_path / "new.sqlite3"))
    migrate(db)  # a write, so the -wal and -shm files exist until the close
    try:
        assert modes(tmp_path) == {
            "new.sqlite3": 0o600,
            "new.sqlite3-wal": 0o600,
            "new.sqlite3-shm": 0o600,
        }
    finally:
        db.close()


def test_an_existing_database_open_to_other_users_is_made_private_and_logged(
    tmp_path, permissive_umask, caplog
):
    path = tmp_path / "old.sqlite3"
    before = sqlite3.connect(path)  # as SQLite alone made them: 0644
    before.execute("pragma journal_mode=wal")
    before.execute("create table t (x)")
    assert set(modes(tmp_path).values()) == {0o644}
    db = connect(str(path))
    try:
        assert modes(tmp_path) == {
            "old.sqlite3": 0o600,
            "old.sqlite3-wal": 0o600,
            "old.sqlite3-shm": 0o600,
        }
    finally:
        db.close()
        before.close()
    assert [r.getMessage() for r in caplog.records if r.name == "webapp.storage.sqlite"] == [
        f"{path}{suffix} was open to other users (mode 644); it is now 0600"
        for suffix in ("", "-wal", "-shm")
    ]


def test_a_database_shared_with_its_group_only_is_left_as_the_operator_set_it(tmp_path):
    path = tmp_path / "shared.sqlite3"
    path.touch(mode=0o640)
    path.chmod(0o640)
    connect(str(path)).close()
    assert modes(tmp_path) == {"shared.sqlite3": 0o640}


def tables_with_a_portal_id(db) -> list[str]:
    """Every table of the migrated schema that has a portal_id column, found in the schema."""
    names = [
        r["name"]
        for r in db.query(
            "select name from sqlite_master where type = 'table' "
            "and name not like 'sqlite_%' order by name"
        )
    ]
    return [
        name
        for name in names
        if "portal_id" in [c[1] for c in db.execute(f"pragma table_info([{name}])")]
    ]


def fill_for(db, table: str, portal_id: int, serial) -> None:
    """Insert a row for the portal, every other column given a value of its own type."""
    row = {}
    for _, column, kind, *_ in db.execute(f"pragma table_info([{table}])"):
        row[column] = (
            portal_id
            if column == "portal_id"
            else next(serial)
            if kind.upper() in ("INTEGER", "FLOAT", "REAL")
            else f"{table}.{column}.{next(serial)}"
        )
    db[table].insert(row)


def test_purging_a_portal_empties_every_table_with_its_portal_id_and_nothing_else(
    fresh_db, sleeper
):
    installs = Installations(fresh_db, sleeper)
    for portal_id in (1, 2):
        installs.record_install(
            portal_id,
            hub_domain=f"portal{portal_id}.no",
            user_id=7,
            user_email="kari@example.no",
            scopes=["oauth"],
        )
    installs.mark_uninstalled(1)
    tables = tables_with_a_portal_id(fresh_db)
    serial = count(1)
    for table in [t for t in tables if t != "installations"]:
        for portal_id in (1, 2):
            fill_for(fresh_db, table, portal_id, serial)
    fresh_db.conn.commit()

    def owners() -> dict:
        return {
            t: [r["portal_id"] for r in fresh_db.query(f"select portal_id from [{t}] order by 1")]
            for t in tables
        }

    assert "installations" in tables and len(tables) > 1
    assert owners() == {table: [1, 2] for table in tables}
    sleeper.elapsed += timedelta(days=31).total_seconds()

    assert installs.purge(1, grace=timedelta(days=30)) is True

    assert owners() == {table: [2] for table in tables}


def test_a_link_in_the_old_id_mappings_table_moves_to_the_binder_linked(tmp_path):
    from webapp.storage.migrations import migrations

    db = connect(str(tmp_path / "old.sqlite3"))
    # A database as the releases before the sync engine left it, with a hand-made link.
    migrations.apply(db, stop_before="0006_sync_engine")
    add_portal(db)
    db["id_mappings"].insert(
        {
            "portal_id": 4000001,
            "object_type": "companies",
            "hubspot_id": "301",
            "tripletex_id": 77,
            "synced_version": 3,
            "synced_hash": "abc",
            "updated_at": "2026-11-01T10:00:00+00:00",
        }
    )

    assert migrate(db) == [
        "0006_sync_engine",
        "0007_webhook_inbox",
        "0008_first_sync_preview",
        "0009_product_choices",
        "0010_mappings_created",
    ]

    assert "id_mappings" not in db.table_names()
    rows = [
        {k: row[k] for k in ("hubspot_type", "hubspot_id", "tripletex_id", "state", "synced_hash")}
        for row in db.query("select * from mappings")
    ]
    assert rows == [
        {
            "hubspot_type": "companies",
            "hubspot_id": "301",
            "tripletex_id": 77,
            "state": "linked",
            "synced_hash": "abc",
        }
    ]
