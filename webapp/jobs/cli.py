"""`flask --app wsgi worker`: run the Huey consumer."""
import click

from .queue import huey


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def worker_command(workers: int) -> None:
    """Run the background worker until interrupted."""
    from . import heartbeat, upkeep  # noqa: F401  (registers the periodic tasks)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                    check_worker_health=True)
    consumer.run()
