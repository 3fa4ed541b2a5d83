"""The Huey instance: SQLite storage by default, Redis when REDIS_URL is set."""
from __future__ import annotations

import os

from huey import RedisHuey, SqliteHuey

from ..config import default_instance_path, load_config
from ..storage.sqlite import private_file


def make_huey(config: dict):
    """Build the queue the configuration asks for."""
    if config["REDIS_URL"]:
        return RedisHuey("txsync", url=config["REDIS_URL"])
    os.makedirs(os.path.dirname(config["QUEUE_DATABASE"]) or ".", exist_ok=True)
    # Queued tasks carry their arguments in the clear: 0600, like the app's database.
    private_file(config["QUEUE_DATABASE"])
    return SqliteHuey("txsync", filename=config["QUEUE_DATABASE"])


# Task decorators need the instance at import time, so it is built from the same
# configuration files and environment the app reads.
config = load_config(default_instance_path())
huey = make_huey(config)
