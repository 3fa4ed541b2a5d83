"""The database connection lifecycle in the web app: one connection per request."""

from __future__ import annotations

import click
from flask import current_app, g
from flask.cli import with_appcontext
from sqlite_utils import Database

from .storage.sqlite import connect, migrate, write_transaction

__all__ = ["connect", "migrate", "write_transaction", "get_db", "init_app"]

# Where init_app leaves the names of the migrations it applied at start-up.
STARTUP_MIGRATIONS = "txsync_startup_migrations"


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
@with_appcontext
def migrate_command() -> None:
    """Apply pending database migrations."""
    # Loading the app for this command already migrated (init_app); report those too, once.
    applied = current_app.extensions.pop(STARTUP_MIGRATIONS, [])
    db = connect(current_app.config["DATABASE"])
    try:
        applied += migrate(db)
    finally:
        db.close()
    click.echo("Applied: " + ", ".join(applied) if applied else "Database is up to date.")


def init_app(app) -> None:
    app.teardown_appcontext(close_db)
    app.cli.add_command(migrate_command)
    db = connect(app.config["DATABASE"])
    try:
        app.extensions[STARTUP_MIGRATIONS] = migrate(db)
    finally:
        db.close()
