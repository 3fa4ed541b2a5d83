"""Operator commands: `flask --app wsgi migrate|worker|keys generate`."""
import click
from cryptography.fernet import Fernet
from flask import Flask

from .jobs.cli import worker_command


@click.group("keys")
def keys_group() -> None:
    """Encryption keys for secrets at rest."""


@keys_group.command("generate")
def generate_key() -> None:
    """Print a new Fernet key for TXSYNC_ENCRYPTION_KEY."""
    click.echo(Fernet.generate_key().decode())


def register_cli(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(keys_group)
