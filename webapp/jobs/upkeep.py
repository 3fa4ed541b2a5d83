"""Daily upkeep of installations: find portals that uninstalled us in HubSpot, purge old ones."""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab

from ..collaborators import Collaborators
from ..portal.lifecycle import check_idle_portals, purge_expired
from ..timeutil import isoformat

log = logging.getLogger(__name__)

# Once a day, at night in Norway (Huey's crontab reads UTC).
SCHEDULE = crontab(minute="17", hour="2")


INBOX_DAYS = 7


def run_upkeep(c: Collaborators) -> dict:
    """Refresh idle portals' tokens (a refused one means uninstalled), then purge expired data."""
    uninstalled = check_idle_portals(c)
    purged = purge_expired(c, timedelta(days=c.config["UNINSTALL_GRACE_DAYS"]))
    # Webhook events acted on are kept a week, to answer "did that edit arrive?", no longer.
    events = c.inbox.purge_done(isoformat(c.clock.now() - timedelta(days=INBOX_DAYS)))
    log.info(
        "upkeep: %d found uninstalled, %d purged, %d old events deleted",
        len(uninstalled),
        len(purged),
        events,
    )
    return {"uninstalled": uninstalled, "purged": purged, "events": events}
