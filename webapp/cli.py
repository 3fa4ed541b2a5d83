"""Operator commands: `flask --app wsgi migrate|worker|keys …|sandbox connect|sync …`."""

import json

import click
from cryptography.fernet import Fernet
from flask import Flask, current_app
from flask.cli import with_appcontext

from .collaborators import Collaborators
from .crypto import SecretUnreadable
from .jobs.cli import worker_command
from .sync.context import NotConnected, SyncContext
from .sync.outcome import RetryLater, SyncPaused
from .sync.runner import (
    PortalBusy,
    confirm_first_sync,
    run_backfill,
    run_pending,
    run_preview,
)
from .sync.settings import KEY as SETTINGS_KEY
from .sync.status import status
from .web.sandbox_connect import DEMO_PORTAL, ConnectFailed, connect_sandbox_portal


@click.group("keys")
def keys_group() -> None:
    """Encryption keys for secrets at rest."""


@keys_group.command("generate")
def generate_key() -> None:
    """Print a new Fernet key for TXSYNC_ENCRYPTION_KEY."""
    click.echo(Fernet.generate_key().decode())


@keys_group.command("rotate")
@with_appcontext
def rotate_keys() -> None:
    """Re-encrypt every stored secret under the first key of TXSYNC_ENCRYPTION_KEY."""
    with Collaborators.opened(current_app.config) as c:
        try:
            count = c.credentials.rotate_all()
        except SecretUnreadable:
            raise click.ClickException(
                "A stored secret opens with none of the configured keys, so nothing was "
                "changed. Put the key it was made with back into TXSYNC_ENCRYPTION_KEY "
                "(after the new one) and run this again."
            ) from None
    click.echo(
        f"Re-encrypted {count} secrets under the newest key. The older keys can now be "
        "removed from TXSYNC_ENCRYPTION_KEY."
    )


@click.group("sandbox")
def sandbox_group() -> None:
    """The local simulators of HubSpot and Tripletex (sandbox mode only)."""


@sandbox_group.command("connect")
@click.option(
    "--portal",
    "portal_id",
    default=DEMO_PORTAL,
    show_default=True,
    type=int,
    help="The HubSpot sandbox portal to install the app in.",
)
@with_appcontext
def sandbox_connect(portal_id: int) -> None:
    """Install the app in a sandbox portal and connect the demo Tripletex company; print its id.

    The sandboxes must be running (`make run`). Run again, it connects the same portal again.
    """
    try:
        click.echo(connect_sandbox_portal(current_app, portal_id))
    except ConnectFailed as exc:
        raise click.ClickException(f"Could not connect: {exc}.") from None


@click.group("sync")
def sync_group() -> None:
    """The sync of one portal, run from the command line."""


RETRIES = 10  # a backfill from the command line waits out this many slow-downs before it stops


@sync_group.command("backfill")
@click.argument("portal_id", type=int)
@click.option("--restart", is_flag=True, help="Start again from the first page.")
@with_appcontext
def sync_backfill(portal_id: int, restart: bool) -> None:
    """Sync every company of PORTAL_ID into Tripletex, printing progress; resumes where an
    interrupted backfill stopped."""

    def show(progress: dict) -> None:
        click.echo(
            "; ".join(
                f"{name} {done}"
                + " ("
                + ", ".join(f"{k} {v}" for k, v in sorted(progress["counts"][name].items()))
                + ")"
                for name, done in progress["done"].items()
            )
        )

    with Collaborators.opened(current_app.config) as c:
        started = (c.installations.setting(portal_id, SETTINGS_KEY) or {}).get("confirmed")
        if restart or not started:
            try:
                preview = run_preview(c, portal_id)
            except (NotConnected, PortalBusy) as exc:
                raise click.ClickException(str(exc)) from None
            for hubspot_type, counts in sorted(preview["counts"].items()):
                shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                click.echo(f"Preview, {hubspot_type}: {shown}")
        # Run from the command line, the backfill is its own confirmation: live sync starts.
        confirm_first_sync(c, portal_id)
        runs = iter([restart])  # only the first attempt restarts; a retry resumes
        progress = _with_retries(
            c, lambda: run_backfill(c, portal_id, on_page=show, restart=next(runs, False))
        )
    click.echo(f"Backfill {progress['stage']}.")


def _with_retries(c: Collaborators, work):
    """Run `work`, waiting out a service's "slow down" up to RETRIES times, and turn what
    stops it into a message for the operator."""
    for attempt in range(RETRIES + 1):
        try:
            return work()
        except RetryLater as exc:
            if attempt == RETRIES:
                raise click.ClickException(f"Stopped: {exc}. Run it again later.") from None
            wait = max(exc.delay, 2.0 * (attempt + 1))
            click.echo(f"Waiting {wait:.0f} s: {exc}")
            c.clock.sleep(wait)
        except (NotConnected, PortalBusy) as exc:
            raise click.ClickException(str(exc)) from None
        except SyncPaused as exc:
            raise click.ClickException(
                f"Tripletex or HubSpot refused this portal's access ({exc}); reconnect it."
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover


@sync_group.command("run")
@click.argument("portal_id", type=int)
@with_appcontext
def sync_run(portal_id: int) -> None:
    """Act on everything PORTAL_ID has pending (HubSpot's events), then exit."""
    with Collaborators.opened(current_app.config) as c:
        summary = _with_retries(c, lambda: run_pending(c, portal_id))
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items())) or "nothing to do"
    click.echo(f"Done: {counts}.")


@sync_group.command("status")
@click.argument("portal_id", type=int)
@with_appcontext
def sync_status(portal_id: int) -> None:
    """Print PORTAL_ID's sync as JSON: linked, pending and failing counts, last run and error."""
    with Collaborators.opened(current_app.config) as c:
        try:
            ctx = SyncContext.for_portal(c, portal_id)
        except NotConnected as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(json.dumps(status(ctx), indent=2, sort_keys=True))


def register_cli(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(keys_group)
    app.cli.add_command(sandbox_group)
    app.cli.add_command(sync_group)
