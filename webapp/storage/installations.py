"""Installations (one per HubSpot portal) and their settings."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from ..timeutil import SYSTEM_CLOCK, Clock, isoformat, parse
from .sqlite import write_transaction

ACTIVE = "active"
UNINSTALLED = "uninstalled"
# Every table whose rows belong to one portal; a purge empties them all.
PORTAL_TABLES = (
    "login_tokens",
    "credentials",
    "settings",
    "mappings",
    "sync_log",
    "sync_cursors",
    "sync_inbox",
    "sync_preview",
    "product_choices",
)


class Installations:
    """Read and change installations; every call names its portal."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def _now(self) -> str:
        return isoformat(self.clock.now())

    def get(self, portal_id: int) -> dict | None:
        try:
            row = self.db["installations"].get(portal_id)
        except NotFoundError:
            return None
        row["scopes"] = json.loads(row["scopes"] or "[]")
        return row

    def record_install(
        self,
        portal_id: int,
        *,
        hub_domain: str,
        user_id: int | None,
        user_email: str | None,
        scopes: list[str],
        portal_name: str | None = None,
    ) -> dict:
        """Create the installation, or reactivate it; settings of a reinstall are kept.

        Without a name from HubSpot, the portal is named by its domain.
        """
        now = self._now()
        existing = self.get(portal_id)
        with write_transaction(self.db):
            self.db["installations"].upsert(
                {
                    "portal_id": portal_id,
                    "hub_domain": hub_domain,
                    "portal_name": portal_name or hub_domain,
                    "status": ACTIVE,
                    "installed_by_user_id": user_id,
                    "installed_by_email": user_email,
                    "scopes": json.dumps(sorted(scopes)),
                    "installed_at": existing["installed_at"] if existing else now,
                    "updated_at": now,
                    "uninstalled_at": None,
                },
                pk="portal_id",
            )
        return self.get(portal_id)

    def set_property_set(self, portal_id: int, version: int) -> None:
        with write_transaction(self.db):
            self.db["installations"].update(
                portal_id, {"property_set": version, "updated_at": self._now()}
            )

    def set_plan(self, portal_id: int, plan_id: str) -> None:
        with write_transaction(self.db):
            self.db["installations"].update(portal_id, {"plan": plan_id, "updated_at": self._now()})

    def mark_uninstalled(self, portal_id: int) -> None:
        """Mark the portal uninstalled and end every session signed in for it."""
        now = self._now()
        with write_transaction(self.db):
            self.db.execute(
                "update installations set status = ?, uninstalled_at = ?, "
                "updated_at = ?, session_epoch = session_epoch + 1 "
                "where portal_id = ?",
                [UNINSTALLED, now, now, portal_id],
            )

    def active_ids(self) -> list[int]:
        """Every installed portal."""
        return [
            r["portal_id"]
            for r in self.db.query(
                "select portal_id from installations where status = ? order by portal_id", [ACTIVE]
            )
        ]

    def due_for_purge(self, grace: timedelta) -> list[int]:
        """Portals uninstalled longer ago than the grace period."""
        cutoff = self.clock.now() - grace
        rows = self.db.query(
            "select portal_id, uninstalled_at from installations where status = ?", [UNINSTALLED]
        )
        return [
            r["portal_id"]
            for r in rows
            if r["uninstalled_at"] and parse(r["uninstalled_at"]) < cutoff
        ]

    def purge(self, portal_id: int, grace: timedelta) -> bool:
        """Delete everything stored for a portal still uninstalled past the grace period.

        The check is repeated inside the transaction: a reinstall in the meantime wins.
        """
        with write_transaction(self.db):
            row = next(
                self.db.query(
                    "select uninstalled_at from installations where portal_id = ? and status = ?",
                    [portal_id, UNINSTALLED],
                ),
                None,
            )
            if (
                row is None
                or not row["uninstalled_at"]
                or parse(row["uninstalled_at"]) >= self.clock.now() - grace
            ):
                return False
            for table in PORTAL_TABLES:
                self.db[table].delete_where("portal_id = ?", [portal_id])
            self.db["installations"].delete_where("portal_id = ?", [portal_id])
        return True

    # Settings: small JSON values per portal.

    def setting(self, portal_id: int, key: str, default: Any = None) -> Any:
        row = next(
            self.db.query(
                "select value from settings where portal_id = ? and key = ?", [portal_id, key]
            ),
            None,
        )
        return json.loads(row["value"]) if row else default

    def set_setting(self, portal_id: int, key: str, value: Any) -> None:
        with write_transaction(self.db):
            self.db["settings"].upsert(
                {
                    "portal_id": portal_id,
                    "key": key,
                    "value": json.dumps(value),
                    "updated_at": self._now(),
                },
                pk=("portal_id", "key"),
            )

    def delete_setting(self, portal_id: int, key: str) -> None:
        with write_transaction(self.db):
            self.db["settings"].delete_where("portal_id = ? and key = ?", [portal_id, key])
