"""The database connection lifecycle: one connection per request or worker thread."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app, g
from sqlite_utils import Database

from .migrations import migrations


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


def migrate(db: Database) -> list[str]:
    """Apply pending migrations and return the names applied."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


def get_db() -> Database:
    """Return this request's connection, opening it on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


@click.command("migrate")
def migrate_command() -> None:
    """Apply pending database migrations."""
    db = connect(current_app.config["DATABASE"])
    try:
        applied = migrate(db)
    finally:
        db.close()
    click.echo("Applied: " + ", ".join(applied) if applied else "Database is up to date.")


def init_app(app) -> None:
    app.teardown_appcontext(close_db)
    app.cli.add_command(migrate_command)
    db = connect(app.config["DATABASE"])
    try:
        migrate(db)
    finally:
        db.close()
