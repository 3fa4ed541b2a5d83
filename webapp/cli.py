"""Operator commands: `flask --app wsgi migrate|worker|keys …|sandbox connect`."""

import click
from cryptography.fernet import Fernet
from flask import Flask, current_app
from flask.cli import with_appcontext

from .collaborators import Collaborators
from .crypto import SecretUnreadable
from .jobs.cli import worker_command
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


def register_cli(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(keys_group)
    app.cli.add_command(sandbox_group)
