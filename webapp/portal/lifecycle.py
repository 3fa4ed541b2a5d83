"""A portal's life: installed, reinstalled, uninstalled (by us or in HubSpot), then purged.

No Flask here: the install pages and the worker both call these with their collaborators.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from ..clients.errors import ApiError, Unauthorized
from ..clients.hubspot import HubSpotClient, TokenRefused
from ..collaborators import Collaborators
from ..storage.credentials import HUBSPOT_OAUTH
from ..storage.installations import ACTIVE
from ..storage.sqlite import write_transaction
from .hubspot_app import REQUIRED_SCOPES
from .hubspot_properties import ensure_properties
from .tripletex_connect import end_session
from .tripletex_link import TripletexLink

log = logging.getLogger(__name__)


class InstallRefused(Exception):
    """HubSpot's answer cannot be an install of this app; `reason` names the check that failed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def record_install(c: Collaborators, token: dict, info: dict, account: dict | None = None) -> dict:
    """Store the installation and its encrypted token together, from the token's introspection.

    `account` is HubSpot's account information, for the portal's name. Reinstalling
    refreshes the tokens and keeps the portal's settings.
    """
    if (
        not isinstance(info, dict)
        or info.get("active") is not True
        or info.get("token_use") != "access_token"
    ):
        raise InstallRefused("inactive_token")
    if str(info.get("app_id")) != str(c.config["HUBSPOT_APP_ID"]):
        raise InstallRefused("other_app")
    try:
        portal_id = int(info["hub_id"])
    except (KeyError, TypeError, ValueError):
        raise InstallRefused("no_portal") from None
    granted = info.get("scopes")
    scopes = [s for s in granted if isinstance(s, str)] if isinstance(granted, list) else []
    missing = sorted(set(REQUIRED_SCOPES) - set(scopes))
    if missing:
        raise InstallRefused("missing_scopes:" + " ".join(missing))
    name = (account or {}).get("portalName")
    with write_transaction(c.db):
        installation = c.installations.record_install(
            portal_id,
            hub_domain=str(info.get("hub_domain") or "")[:253],
            portal_name=name.strip()[:200] if isinstance(name, str) else None,
            user_id=_int_or_none(info.get("user_id")),
            user_email=info["user"][:254] if isinstance(info.get("user"), str) else None,
            scopes=scopes,
        )
        c.credentials.put(portal_id, HUBSPOT_OAUTH, token, meta={"scopes": scopes})
    return installation


def account_of(client: HubSpotClient) -> dict:
    """HubSpot's account information for the portal, or {} (it is only for display)."""
    try:
        details = client.account_details()
    except ApiError as exc:
        log.info("no account information from HubSpot: %s", exc)
        return {}
    return details if isinstance(details, dict) else {}


def ensure_portal_properties(c: Collaborators, portal_id: int) -> bool:
    """Create the app's HubSpot properties the portal lacks; False (and logged) on failure."""
    installation = c.installations.get(portal_id)
    if installation is None or installation["status"] != ACTIVE:
        return False
    try:
        have = ensure_properties(c.hubspot(portal_id), int(installation["property_set"] or 0))
    except TokenRefused:
        confirm_uninstalled(c, portal_id)
        return False
    except ApiError as exc:
        # Not fatal: the set stays behind and is completed on the portal's next use.
        log.warning("could not create HubSpot properties for portal %s: %s", portal_id, exc)
        return False
    if have != installation["property_set"]:
        c.installations.set_property_set(portal_id, have)
    return True


def uninstall(c: Collaborators, portal_id: int, *, tell_hubspot: bool) -> None:
    """Uninstall the app from a portal: erase its credentials now, its data after the grace period.

    With `tell_hubspot`, HubSpot is asked first (DELETE external-install); an error there
    other than "already gone" propagates and nothing changes here.
    """
    if tell_hubspot:
        try:
            c.hubspot(portal_id).uninstall()
        except (TokenRefused, Unauthorized):
            pass  # HubSpot no longer knows the install: it is uninstalled already
    end_session(c.tripletex(portal_id))
    with write_transaction(c.db):
        c.installations.mark_uninstalled(portal_id)
        TripletexLink(c).forget(portal_id)  # the plan and other settings stay
        c.credentials.delete(portal_id)
        c.login_tokens.forget_portal(portal_id)
    log.info("portal %s uninstalled", portal_id)


def confirm_uninstalled(c: Collaborators, portal_id: int) -> bool:
    """After HubSpot refused a refresh: uninstall only if introspection says the token is dead.

    Refreshes are leased per portal, so a worker that lost a race reads the newer token
    instead of refreshing; and a refresh token we no longer hold proves nothing.
    """
    token = c.credentials.get(portal_id, HUBSPOT_OAUTH) or {}
    refresh_token = token.get("refresh_token")
    if not refresh_token:
        return False
    try:
        info = c.hubspot(portal_id).introspect(refresh_token, hint="refresh_token")
    except ApiError as exc:
        log.warning("could not introspect portal %s's refresh token: %s", portal_id, exc)
        return False
    if info.get("active"):
        return False
    uninstall(c, portal_id, tell_hubspot=False)
    return True


def check_idle_portals(c: Collaborators, idle_for: timedelta = timedelta(days=1)) -> list[int]:
    """Refresh the token of every portal unused for a day; return those found uninstalled.

    HubSpot sends no uninstall event to a project app, so a portal that uninstalled us
    shows up only as a refused refresh.
    """
    gone = []
    for portal_id in c.credentials.unchanged_since(HUBSPOT_OAUTH, c.clock.now() - idle_for):
        try:
            client = c.hubspot(portal_id)
            with client.tokens.refresh_lock():
                client.refresh(client.tokens.load() or {})
        except TokenRefused:
            if confirm_uninstalled(c, portal_id):
                gone.append(portal_id)
        except Exception as exc:  # noqa: BLE001 - one portal's trouble must not stop the rest
            log.warning("idle check of portal %s failed: %s", portal_id, exc)
    return gone


def purge_expired(c: Collaborators, grace: timedelta) -> list[int]:
    """Delete everything of portals uninstalled longer ago than the grace period."""
    installs = c.installations
    purged = [p for p in installs.due_for_purge(grace) if installs.purge(p, grace)]
    for portal_id in purged:
        log.info("portal %s purged after its grace period", portal_id)
    return purged


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
