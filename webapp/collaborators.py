"""What every flow works with, built in one place: configuration, the database, the secret box,
the clock, and the stores and API clients made from them.

The web layer makes one per request, for a person who is waiting (short calls, one deadline
for all of them, short lock waits); the worker makes one per task. Flows take it as their
first argument instead of passing (config, db, box) along by position.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cached_property

from sqlite_utils import Database

from .clients.errors import RateLimited
from .clients.http import Deadline
from .clients.hubspot import SERVICE as HUBSPOT
from .clients.hubspot import HubSpotClient
from .clients.tripletex import MemorySessionCache, Session, TripletexClient
from .crypto import SecretBox
from .storage.attempts import Attempts
from .storage.credentials import HUBSPOT_OAUTH, TRIPLETEX_EMPLOYEE, TRIPLETEX_SESSION, Credentials
from .storage.cursors import Cursors
from .storage.heartbeats import Heartbeats
from .storage.inbox import Inbox
from .storage.installations import Installations
from .storage.locks import TTL as LEASE_TTL
from .storage.locks import WAIT, WAIT_WHILE_PERSON_WAITS, LockTimeout, lease
from .storage.login_tokens import LoginTokens
from .storage.mappings import Mappings
from .storage.previews import Previews
from .storage.product_choices import ProductChoices
from .storage.signed_requests import SignedRequests
from .storage.sqlite import connect
from .storage.sync_log import SyncLog
from .timeutil import SYSTEM_CLOCK, Clock

CALL_TIMEOUT_WHILE_PERSON_WAITS = 10.0  # seconds, for any one call a person waits on


@dataclass(frozen=True)
class Collaborators:
    config: dict
    db: Database
    box: SecretBox
    clock: Clock = SYSTEM_CLOCK
    deadline: Deadline | None = None  # set while a person waits for the answer

    @classmethod
    @contextmanager
    def opened(cls, config: dict, clock: Clock = SYSTEM_CLOCK) -> Iterator[Collaborators]:
        """Collaborators on a connection of their own (a worker's task), closed afterwards."""
        db = connect(config["DATABASE"])
        try:
            yield cls(config, db, SecretBox(config["ENCRYPTION_KEY"]), clock)
        finally:
            db.close()

    def while_person_waits(self, seconds: float) -> Collaborators:
        """The same collaborators for a person waiting: calls answer within seconds, retries
        rather say "try again in N seconds" than sleep behind a spinner, and every call of
        every client shares one deadline."""
        config = dict(
            self.config,
            HTTP_TIMEOUT=min(self.config["HTTP_TIMEOUT"], CALL_TIMEOUT_WHILE_PERSON_WAITS),
            HTTP_MAX_ATTEMPTS=min(self.config["HTTP_MAX_ATTEMPTS"], 2),
            HTTP_MAX_WAIT=min(self.config["HTTP_MAX_WAIT"], 2.0),
        )
        return dataclasses.replace(self, config=config, deadline=Deadline(seconds, self.clock))

    # Stores

    @cached_property
    def installations(self) -> Installations:
        return Installations(self.db, self.clock)

    @cached_property
    def credentials(self) -> Credentials:
        return Credentials(self.db, self.box, self.clock)

    @cached_property
    def login_tokens(self) -> LoginTokens:
        return LoginTokens(self.db, self.clock)

    @cached_property
    def attempts(self) -> Attempts:
        return Attempts(self.db, self.clock)

    @cached_property
    def heartbeats(self) -> Heartbeats:
        return Heartbeats(self.db, self.clock)

    @cached_property
    def signed_requests(self) -> SignedRequests:
        return SignedRequests(self.db, self.clock)

    @cached_property
    def sync_log(self) -> SyncLog:
        return SyncLog(self.db, self.clock)

    @cached_property
    def mappings(self) -> Mappings:
        return Mappings(self.db, self.clock)

    @cached_property
    def inbox(self) -> Inbox:
        return Inbox(self.db, self.clock)

    @cached_property
    def cursors(self) -> Cursors:
        return Cursors(self.db, self.clock)

    @cached_property
    def previews(self) -> Previews:
        return Previews(self.db)

    @cached_property
    def product_choices(self) -> ProductChoices:
        return ProductChoices(self.db, self.clock)

    # Clients

    def _transport(self) -> dict:
        return {
            "timeout": self.config["HTTP_TIMEOUT"],
            "max_attempts": self.config["HTTP_MAX_ATTEMPTS"],
            "max_wait": self.config["HTTP_MAX_WAIT"],
            "deadline": self.deadline,
            "clock": self.clock,
        }

    def tripletex_for_token(self, token: str, company_id: int = 0) -> TripletexClient:
        """A client for a token being tried out; its session is not stored anywhere."""
        return TripletexClient(
            self.config["TRIPLETEX_API_BASE"],
            self.config["TRIPLETEX_CONSUMER_TOKEN"],
            token,
            company_id=company_id,
            session_cache=MemorySessionCache(),
            **self._transport(),
        )

    def tripletex(self, portal_id: int) -> TripletexClient | None:
        """The portal's connected client, reusing its stored session; None when not connected."""
        token = self.credentials.get(portal_id, TRIPLETEX_EMPLOYEE)
        if not token:
            return None
        meta = self.credentials.meta(portal_id, TRIPLETEX_EMPLOYEE)
        return TripletexClient(
            self.config["TRIPLETEX_API_BASE"],
            self.config["TRIPLETEX_CONSUMER_TOKEN"],
            token,
            company_id=int(meta.get("company_id") or 0),
            session_cache=StoredSession(self.credentials, portal_id),
            **self._transport(),
        )

    def hubspot(self, portal_id: int) -> HubSpotClient:
        """The portal's HubSpot client; refreshed tokens are stored, one refresher at a time."""
        wait = WAIT_WHILE_PERSON_WAITS if self.deadline else WAIT
        return self._hubspot(StoredToken(self, portal_id, lock_wait=wait))

    def hubspot_for_token(self, token: dict) -> HubSpotClient:
        """A client for a token that belongs to no stored installation yet (an install)."""
        return self._hubspot(HeldToken(token))

    def _hubspot(self, tokens) -> HubSpotClient:
        return HubSpotClient(
            self.config["HUBSPOT_API_BASE"],
            self.config["HUBSPOT_API_VERSION"],
            self.config["HUBSPOT_CLIENT_ID"],
            self.config["HUBSPOT_CLIENT_SECRET"],
            tokens,
            **self._transport(),
        )


class StoredToken:
    """One portal's HubSpot OAuth token in the credentials table; a lease serialises refreshes
    across processes, and a person's request waits for it only briefly."""

    def __init__(self, collaborators: Collaborators, portal_id: int, *, lock_wait: float):
        self.c = collaborators
        self.portal_id = portal_id
        self.lock_wait = lock_wait

    def load(self) -> dict | None:
        return self.c.credentials.get(self.portal_id, HUBSPOT_OAUTH)

    def save(self, token: dict) -> None:
        meta = self.c.credentials.meta(self.portal_id, HUBSPOT_OAUTH)
        self.c.credentials.put(self.portal_id, HUBSPOT_OAUTH, token, meta=meta)

    @contextmanager
    def refresh_lock(self) -> Iterator[None]:
        """Hold the portal's refresh lease; waiting too long for it is HubSpot being busy.

        Another process refreshing the token is, to the caller, a service that cannot answer
        now: a RateLimited error the pages explain ("try again in N seconds") and the worker
        retries, where a bare LockTimeout would be a 500.
        """
        wait = self.lock_wait
        if self.c.deadline is not None:
            wait = max(0.0, min(wait, self.c.deadline.remaining()))
        with ExitStack() as held:
            try:
                held.enter_context(
                    lease(
                        self.c.db,
                        f"hubspot-refresh:{self.portal_id}",
                        wait=wait,
                        clock=self.c.clock,
                    )
                )
            except LockTimeout:
                raise RateLimited(
                    HUBSPOT,
                    "another process is refreshing this portal's token",
                    retry_after=LEASE_TTL,
                ) from None
            yield


class HeldToken:
    """A token not (yet) stored anywhere, e.g. the one an install has just received."""

    def __init__(self, token: dict):
        self.token = token

    def load(self) -> dict:
        return self.token

    def save(self, token: dict) -> None:
        self.token = token

    def refresh_lock(self) -> AbstractContextManager:
        return nullcontext()


class StoredSession:
    """One portal's Tripletex session token, kept (encrypted) between requests and jobs."""

    def __init__(self, credentials: Credentials, portal_id: int):
        self.credentials = credentials
        self.portal_id = portal_id

    def load(self) -> Session | None:
        value = self.credentials.get(self.portal_id, TRIPLETEX_SESSION)
        return Session(**value) if value else None

    def save(self, session: Session) -> None:
        self.credentials.put(
            self.portal_id,
            TRIPLETEX_SESSION,
            {"token": session.token, "expiration_date": session.expiration_date},
            expires_at=session.expiration_date,
        )

    def clear(self) -> None:
        self.credentials.delete(self.portal_id, TRIPLETEX_SESSION)
