"""Operator commands: `flask --app wsgi migrate|worker|keys generate|keys rotate`."""

import click
from cryptography.fernet import Fernet
from flask import Flask, current_app
from flask.cli import with_appcontext

from .collaborators import Collaborators
from .crypto import SecretUnreadable
from .jobs.cli import worker_command


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


def register_cli(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(keys_group)
