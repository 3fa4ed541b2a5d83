"""The sandbox's in-memory world: portals, their records and schema, tokens. One lock guards it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import pipelines_data, schema


class Clock:
    """Wall-clock time that tests can move forward, or stop, without sleeping."""

    def __init__(self, start: float | None = None):
        self._offset = 0.0 if start is None else start - time.time()
        self._frozen: float | None = None

    def now(self) -> float:
        return self._frozen if self._frozen is not None else time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if self._frozen is not None:
            self._frozen += seconds
        self._offset += seconds

    def freeze(self, frozen: bool = True) -> None:
        """Stop time where it is (rolling windows then depend only on advance), or restart it."""
        if frozen and self._frozen is None:
            self._frozen = self.now()
        elif not frozen and self._frozen is not None:
            self._offset, self._frozen = self._frozen - time.time(), None

    def reset(self) -> None:
        """Return to running wall-clock time."""
        self._offset, self._frozen = 0.0, None

    @property
    def offset(self) -> float:
        """How many seconds the clock is ahead of wall-clock time now."""
        return self.now() - time.time()

    def set_offset(self, seconds: float) -> None:
        """Put the clock `seconds` ahead of wall-clock time (a frozen clock stays frozen)."""
        if self._frozen is not None:
            self._frozen = time.time() + seconds
        self._offset = seconds


def iso(ts: float) -> str:
    """Format a POSIX time as HubSpot does: ISO-8601, milliseconds, Z."""
    return (
        datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{int(ts * 1000) % 1000:03d}Z"
    )


@dataclass
class Record:
    """One CRM object; every property value is a string, as HubSpot stores them.

    `history` holds each property's earlier values, newest first (propertiesWithHistory);
    `search` the versions the search index has taken in, each visible from its time on
    (index.py); `merged_into` the survivor's id once the record was merged away.
    """

    id: str
    properties: dict
    created: float
    updated: float
    archived_at: float | None = None
    history: dict = field(default_factory=dict)
    search: list = field(default_factory=list)
    merged_into: str | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def live(self) -> bool:
        return self.archived_at is None and self.merged_into is None


@dataclass
class Portal:
    """One HubSpot account with its CRM, custom schema and the app's install."""

    id: int
    name: str
    domain: str
    users: list
    records: dict = field(default_factory=lambda: {t: {} for t in schema.OBJECT_TYPES})
    # (from_type, from_id, to_type) -> {to_id: set of (category, typeId)}: a record's links of
    # one type are one look-up away, however many records the portal holds
    associations: dict = field(default_factory=dict)
    custom_properties: dict = field(default_factory=lambda: {t: {} for t in schema.OBJECT_TYPES})
    groups: dict = field(default_factory=lambda: {t: {} for t in schema.OBJECT_TYPES})
    installed: bool = False
    # pipeline id -> the Pipeline as the Pipelines API shows it (deals only)
    pipelines: dict = field(default_factory=dict)
    # the account's currencies, the company currency first (account-info, currency codes)
    currencies: list = field(default_factory=lambda: ["NOK"])
    # e-mail addresses a GDPR delete blocked from coming back as contacts
    blocked_emails: set = field(default_factory=set)
    files: dict = field(default_factory=dict)  # file id -> file, with its bytes
    folders: dict = field(default_factory=dict)  # folder id -> folder
    # (object type, property) -> {lower-cased value: ids of records given it} (uniques.py)
    unique_values: dict = field(default_factory=dict)

    def user(self, user_id: int | None = None) -> dict:
        """Return a user by id, or the first super admin."""
        for user in self.users:
            if user_id is None and user.get("superAdmin") or user["id"] == user_id:
                return user
        return self.users[0]

    def summary(self) -> dict:
        counts = {t: sum(r.live for r in recs.values()) for t, recs in self.records.items()}
        return {
            "id": self.id,
            "name": self.name,
            "domain": self.domain,
            "users": self.users,
            "installed": self.installed,
            "counts": counts,
        }


class State:
    """Everything the sandbox remembers; callers hold `lock` while they read or write."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self.lock = threading.RLock()
        self.portals: dict[int, Portal] = {}
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.refresh_tokens: dict[str, dict] = {}
        # The next id of each kind to hand out: plain ints, which pickle in any Python.
        self._ids = 10_000_001
        self._user_ids = 7_000_001
        self._owner_ids = 80_000_001
        self._schema_ids = 900_000_001  # pipelines, stages, files, folders
        self.signed_urls: dict[str, dict] = {}  # token -> {portal, file, expires}

    def __getstate__(self) -> dict:
        # Saved between runs (persistence.py) without its lock and clock, which are the run's;
        # how far the clock was moved is kept, so the world's times still lie in its past.
        saved = {k: v for k, v in self.__dict__.items() if k not in ("lock", "clock")}
        saved["clock_offset"] = self.clock.offset
        return saved

    def __setstate__(self, saved: dict) -> None:
        saved = dict(saved)
        self._clock_offset = saved.pop("clock_offset", 0.0)
        self.__dict__.update(saved)
        self.lock = threading.RLock()

    def attach(self, clock: Clock) -> None:
        """Run a world loaded from the state file on this run's `clock`, moved as far ahead
        as the saved world's clock was."""
        clock.set_offset(self.__dict__.pop("_clock_offset", 0.0))
        self.clock = clock

    def _take(self, counter: str) -> int:
        with self.lock:
            value = getattr(self, counter)
            setattr(self, counter, value + 1)
            return value

    def next_id(self) -> str:
        return str(self._take("_ids"))

    def id_mark(self) -> int:
        """Where record ids stand now, for `rewind_ids`."""
        return self._ids

    def rewind_ids(self, mark: int) -> None:
        """Hand out record ids from `mark` again: those issued since belong to nothing now
        (an all-or-nothing write that failed and was undone under the lock)."""
        self._ids = mark

    def next_user_id(self) -> int:
        return self._take("_user_ids")

    def next_schema_id(self) -> str:
        return str(self._take("_schema_ids"))

    def add_portal(
        self, portal_id: int, name: str, domain: str, users: list | None = None
    ) -> Portal:
        """Create a portal; its first user is a super admin unless users are given."""
        users = users or [{"email": f"admin@{domain}", "firstName": "Admin", "lastName": name}]
        for index, user in enumerate(users):
            user.setdefault("id", self.next_user_id())
            user.setdefault("superAdmin", index == 0)
            # Every user is also a CRM owner, with an id of its own (hubspot_owner_id).
            user.setdefault("ownerId", self._take("_owner_ids"))
        portal = Portal(portal_id, name, domain, users)
        portal.pipelines = {"default": pipelines_data.default_pipeline()}
        self.portals[portal_id] = portal
        return portal

    def uninstall(self, portal_id: int) -> None:
        """Forget the install and every token issued for the portal."""
        self.portals[portal_id].installed = False
        for store in (self.access_tokens, self.refresh_tokens):
            for token in [t for t, info in store.items() if info["portal"] == portal_id]:
                del store[token]
