"""Secrets per portal, encrypted with Fernet before they touch the database."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from ..crypto import SecretBox
from ..timeutil import SYSTEM_CLOCK, Clock, isoformat, parse
from .installations import ACTIVE
from .sqlite import write_transaction

HUBSPOT_OAUTH = "hubspot_oauth"
TRIPLETEX_EMPLOYEE = "tripletex_employee"
TRIPLETEX_SESSION = "tripletex_session"


class Credentials:
    """Read and write one kind of secret per portal; only ciphertext is stored."""

    def __init__(self, db: Database, box: SecretBox, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.box = box
        self.clock = clock

    def put(
        self,
        portal_id: int,
        kind: str,
        secret: Any,
        *,
        expires_at: str | None = None,
        meta: dict | None = None,
    ) -> None:
        """Store (or replace) a secret; any JSON-serialisable value is accepted."""
        with write_transaction(self.db):
            self.db["credentials"].upsert(
                {
                    "portal_id": portal_id,
                    "kind": kind,
                    "secret": self.box.encrypt(json.dumps(secret)),
                    "expires_at": expires_at,
                    "meta": json.dumps(meta or {}),
                    "updated_at": isoformat(self.clock.now()),
                },
                pk=("portal_id", "kind"),
            )

    def get(self, portal_id: int, kind: str) -> Any:
        """Return the decrypted secret, or None when there is none."""
        row = self._row(portal_id, kind)
        return json.loads(self.box.decrypt(row["secret"])) if row else None

    def meta(self, portal_id: int, kind: str) -> dict:
        row = self._row(portal_id, kind)
        return json.loads(row["meta"] or "{}") if row else {}

    def expires_at(self, portal_id: int, kind: str) -> datetime | None:
        """When the secret expires, read without decrypting it; None if it does not."""
        row = self._row(portal_id, kind)
        return parse(row["expires_at"]) if row and row["expires_at"] else None

    def unchanged_since(self, kind: str, before: datetime) -> list[int]:
        """Active portals whose secret of this kind was last written before a moment."""
        rows = self.db.query(
            "select c.portal_id, c.updated_at from credentials c "
            "join installations i on i.portal_id = c.portal_id "
            "where c.kind = ? and i.status = ?",
            [kind, ACTIVE],
        )
        return [r["portal_id"] for r in rows if parse(r["updated_at"]) <= before]

    def rotate_all(self) -> int:
        """Re-encrypt every secret under the newest key, all or none; return how many.

        After a new key is put first in ENCRYPTION_KEY, this lets the old one be dropped.
        A secret no configured key opens stops the rotation before anything is written.
        """
        with write_transaction(self.db):
            rows = list(self.db.query("select portal_id, kind, secret from credentials"))
            for row in rows:
                self.db.execute(
                    "update credentials set secret = ? where portal_id = ? and kind = ?",
                    [self.box.rotate(row["secret"]), row["portal_id"], row["kind"]],
                )
        return len(rows)

    def delete(self, portal_id: int, kind: str | None = None) -> None:
        """Erase one secret, or every secret of the portal."""
        where, args = "portal_id = ?", [portal_id]
        if kind:
            where, args = where + " and kind = ?", args + [kind]
        with write_transaction(self.db):
            self.db["credentials"].delete_where(where, args)

    def _row(self, portal_id: int, kind: str) -> dict | None:
        try:
            return self.db["credentials"].get((portal_id, kind))
        except NotFoundError:
            return None
