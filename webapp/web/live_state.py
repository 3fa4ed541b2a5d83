"""What the Done page shows once the sync runs: linked counts, the latest log, what fails."""

from __future__ import annotations

from ..collaborators import Collaborators
from ..storage.sync_log import TO_TRIPLETEX

LATEST = 10


def live_state(c: Collaborators, portal_id: int) -> dict:
    counts = c.mappings.counts(portal_id)
    return {
        "counts": {
            hubspot_type: {
                "linked": states.get("linked", 0) + states.get("failing", 0),
                "failing": states.get("failed", 0) + states.get("failing", 0),
            }
            for hubspot_type, states in sorted(counts.items())
        },
        # What reached Tripletex (writing the ids back onto HubSpot is not news to anyone).
        "latest": c.sync_log.latest(portal_id, limit=LATEST, direction=TO_TRIPLETEX),
        "failing": c.mappings.failing(portal_id, limit=LATEST),
        "pending": c.inbox.count_pending(portal_id),
    }
