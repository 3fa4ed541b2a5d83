"""Token stores the API clients use, backed by the encrypted credentials table."""
from __future__ import annotations

from contextlib import AbstractContextManager

from sqlite_utils import Database

from ..clients.tripletex import Session
from .credentials import HUBSPOT_OAUTH, TRIPLETEX_SESSION, Credentials
from .locks import lease


class HubSpotTokens:
    """One portal's OAuth token; refreshes are serialised across processes by a lease."""

    def __init__(self, db: Database, credentials: Credentials, portal_id: int):
        self.db = db
        self.credentials = credentials
        self.portal_id = portal_id

    def load(self) -> dict | None:
        return self.credentials.get(self.portal_id, HUBSPOT_OAUTH)

    def save(self, token: dict) -> None:
        meta = self.credentials.meta(self.portal_id, HUBSPOT_OAUTH)
        self.credentials.put(self.portal_id, HUBSPOT_OAUTH, token, meta=meta)

    def refresh_lock(self) -> AbstractContextManager:
        return lease(self.db, f"hubspot-refresh:{self.portal_id}")


class TripletexSessions:
    """One portal's Tripletex session token, cached (encrypted) between jobs."""

    def __init__(self, credentials: Credentials, portal_id: int):
        self.credentials = credentials
        self.portal_id = portal_id

    def load(self) -> Session | None:
        value = self.credentials.get(self.portal_id, TRIPLETEX_SESSION)
        return Session(**value) if value else None

    def save(self, session: Session) -> None:
        self.credentials.put(self.portal_id, TRIPLETEX_SESSION,
                             {"token": session.token, "expiration_date": session.expiration_date},
                             expires_at=session.expiration_date)

    def clear(self) -> None:
        self.credentials.delete(self.portal_id, TRIPLETEX_SESSION)
