"""Installations (one per HubSpot portal) and their settings."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from ..timeutil import isoformat, parse, utcnow
from .sqlite import write_transaction

ACTIVE = "active"
UNINSTALLED = "uninstalled"


class Installations:
    """Read and change installations; every call names its portal."""

    def __init__(self, db: Database):
        self.db = db

    def get(self, portal_id: int) -> dict | None:
        try:
            row = self.db["installations"].get(portal_id)
        except NotFoundError:
            return None
        row["scopes"] = json.loads(row["scopes"] or "[]")
        return row

    def record_install(self, portal_id: int, *, hub_domain: str, user_id: int | None,
                       user_email: str | None, scopes: list[str],
                       portal_name: str | None = None) -> dict:
        """Create the installation, or reactivate it; settings of a reinstall are kept.

        Without a name from HubSpot, the portal is named by its domain.
        """
        now = isoformat(utcnow())
        existing = self.get(portal_id)
        with write_transaction(self.db):
            self.db["installations"].upsert({
                "portal_id": portal_id, "hub_domain": hub_domain,
                "portal_name": portal_name or hub_domain,
                "status": ACTIVE, "installed_by_user_id": user_id,
                "installed_by_email": user_email, "scopes": json.dumps(sorted(scopes)),
                "installed_at": existing["installed_at"] if existing else now,
                "updated_at": now, "uninstalled_at": None,
            }, pk="portal_id")
        return self.get(portal_id)

    def set_property_set(self, portal_id: int, version: int) -> None:
        with write_transaction(self.db):
            self.db["installations"].update(portal_id, {"property_set": version,
                                                        "updated_at": isoformat(utcnow())})

    def set_plan(self, portal_id: int, plan_id: str) -> None:
        with write_transaction(self.db):
            self.db["installations"].update(portal_id, {"plan": plan_id,
                                                        "updated_at": isoformat(utcnow())})

    def mark_uninstalled(self, portal_id: int) -> None:
        """Mark the portal uninstalled and end every session signed in for it."""
        now = isoformat(utcnow())
        with write_transaction(self.db):
            self.db.execute("update installations set status = ?, uninstalled_at = ?, "
                            "updated_at = ?, session_epoch = session_epoch + 1 "
                            "where portal_id = ?", [UNINSTALLED, now, now, portal_id])

    def due_for_purge(self, grace: timedelta) -> list[int]:
        """Portals uninstalled longer ago than the grace period."""
        cutoff = utcnow() - grace
        rows = self.db.execute("select portal_id, uninstalled_at from installations "
                               "where status = ?", [UNINSTALLED]).fetchall()
        return [pid for pid, at in rows if at and parse(at) < cutoff]

    def purge(self, portal_id: int, grace: timedelta) -> bool:
        """Delete everything stored for a portal still uninstalled past the grace period.

        The check is repeated inside the transaction: a reinstall in the meantime wins.
        """
        with write_transaction(self.db):
            row = self.db.execute("select uninstalled_at from installations where portal_id = ? "
                                  "and status = ?", [portal_id, UNINSTALLED]).fetchone()
            if row is None or not row[0] or parse(row[0]) >= utcnow() - grace:
                return False
            for table in ("login_tokens", "credentials", "settings", "id_mappings", "sync_log"):
                self.db[table].delete_where("portal_id = ?", [portal_id])
            self.db["installations"].delete_where("portal_id = ?", [portal_id])
        return True

    # Settings: small JSON values per portal.

    def setting(self, portal_id: int, key: str, default: Any = None) -> Any:
        row = self.db.execute("select value from settings where portal_id = ? and key = ?",
                              [portal_id, key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, portal_id: int, key: str, value: Any) -> None:
        with write_transaction(self.db):
            self.db["settings"].upsert({"portal_id": portal_id, "key": key,
                                        "value": json.dumps(value),
                                        "updated_at": isoformat(utcnow())},
                                       pk=("portal_id", "key"))

    def delete_setting(self, portal_id: int, key: str) -> None:
        with write_transaction(self.db):
            self.db["settings"].delete_where("portal_id = ? and key = ?", [portal_id, key])
