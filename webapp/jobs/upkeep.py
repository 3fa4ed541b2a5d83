"""Daily upkeep of installations: find portals that uninstalled us in HubSpot, purge old ones."""
from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab

from ..crypto import SecretBox
from ..portal.lifecycle import check_idle_portals, purge_expired
from ..storage.sqlite import connect
from .queue import config, huey

log = logging.getLogger(__name__)


def run_upkeep(config: dict) -> dict:
    """Refresh idle portals' tokens (a refused one means uninstalled), then purge expired data."""
    db = connect(config["DATABASE"])
    try:
        box = SecretBox(config["ENCRYPTION_KEY"])
        uninstalled = check_idle_portals(config, db, box)
        purged = purge_expired(db, timedelta(days=config["UNINSTALL_GRACE_DAYS"]))
    finally:
        db.close()
    log.info("upkeep: %d found uninstalled, %d purged", len(uninstalled), len(purged))
    return {"uninstalled": uninstalled, "purged": purged}


# Once a day, at night in Norway (Huey's crontab reads UTC).
@huey.periodic_task(crontab(minute="17", hour="2"))
def daily_upkeep() -> None:
    run_upkeep(config)
