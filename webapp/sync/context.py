"""What one portal's sync works with, in one argument."""

from __future__ import annotations

from dataclasses import dataclass

from ..clients.hubspot import HubSpotClient
from ..clients.tripletex import TripletexClient
from ..collaborators import Collaborators
from ..portal.plans import find_plan
from ..portal.tripletex_link import CONNECTION
from ..storage.cursors import Cursors
from ..storage.inbox import Inbox
from ..storage.mappings import Mappings
from ..storage.previews import Previews
from ..storage.product_choices import ProductChoices
from ..storage.sync_log import SyncLog
from ..timeutil import Clock
from .settings import KEY, SyncSettings


class NotConnected(Exception):
    """The portal has no Tripletex connection (or no installation): nothing can be synced."""


@dataclass(frozen=True)
class SyncContext:
    portal_id: int
    hubspot: HubSpotClient
    tripletex: TripletexClient
    mappings: Mappings
    log: SyncLog
    cursors: Cursors
    inbox: Inbox
    previews: Previews
    product_choices: ProductChoices
    clock: Clock
    settings: SyncSettings
    # The chosen plan's invoices a month (Oslo's calendar month); None: unlimited.
    invoice_limit: int | None = None
    # The Tripletex company's own id (the client's 0 means "the token's own company"), for
    # links into Tripletex's web app.
    tripletex_company_id: int = 0

    @classmethod
    def for_portal(cls, c: Collaborators, portal_id: int) -> SyncContext:
        installation = c.installations.get(portal_id)
        if installation is None or installation["status"] != "active":
            raise NotConnected(f"portal {portal_id} has no active installation")
        tripletex = c.tripletex(portal_id)
        if tripletex is None:
            raise NotConnected(f"portal {portal_id} is not connected to Tripletex")
        return cls(
            portal_id=portal_id,
            hubspot=c.hubspot(portal_id),
            tripletex=tripletex,
            mappings=c.mappings,
            log=c.sync_log,
            cursors=c.cursors,
            inbox=c.inbox,
            previews=c.previews,
            product_choices=c.product_choices,
            clock=c.clock,
            settings=SyncSettings.from_stored(c.installations.setting(portal_id, KEY)),
            invoice_limit=_invoice_limit(c.config.get("PLANS") or [], installation.get("plan")),
            tripletex_company_id=_company_id(c.installations.setting(portal_id, CONNECTION)),
        )


def _company_id(connection: dict | None) -> int:
    connection = connection or {}
    found = connection.get("company_id") or (connection.get("company") or {}).get("id")
    return int(found) if str(found or "").isdigit() else 0


def _invoice_limit(plans: list[dict], plan_id: str | None) -> int | None:
    """The plan's monthly invoice limit; a portal that has chosen none is on the first."""
    plan = find_plan(plans, plan_id) or (plans[0] if plans else {})
    return plan.get("invoice_limit")
