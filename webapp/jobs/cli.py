"""`flask --app wsgi worker`: run the Huey consumer of the app's queue."""

import click
from flask import current_app
from flask.cli import with_appcontext

MAX_POLL_DELAY = 0.5  # seconds


@click.command("worker")
@click.option(
    "--workers",
    default=4,
    show_default=True,
    help="Worker threads: portals sync side by side, each one at a time.",
)
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the background worker until interrupted."""
    consumer = current_app.extensions["huey"].create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=True,
        check_worker_health=True,
        # An idle thread polls the SQLite queue less and less often, by default up to every
        # 10 s: a deal won after a quiet spell would wait that long for its invoice. Half a
        # second keeps it prompt, for a query on an index a poll (Redis blocks, not polls).
        max_delay=MAX_POLL_DELAY,
    )
    consumer.run()
