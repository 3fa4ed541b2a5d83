"""The Huey instance: SQLite storage by default, Redis when REDIS_URL is set."""

from __future__ import annotations

import os

from huey import Huey, RedisHuey, SqliteHuey

from ..storage.sqlite import private_file


def make_huey(config: dict) -> Huey:
    """Build the queue the configuration asks for."""
    if config["REDIS_URL"]:
        return RedisHuey("txsync", url=config["REDIS_URL"])
    os.makedirs(os.path.dirname(config["QUEUE_DATABASE"]) or ".", exist_ok=True)
    # Queued tasks carry their arguments in the clear: 0600, like the app's database.
    private_file(config["QUEUE_DATABASE"])
    return SqliteHuey("txsync", filename=config["QUEUE_DATABASE"])
