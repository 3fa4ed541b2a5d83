"""Stored rows as whole structures, for tests that compare what the database holds."""

from __future__ import annotations

import json

from webapp.storage.installations import PORTAL_TABLES


def portal_rows(db) -> dict[str, list[dict]]:
    """Every row kept about any portal, table by table, whole (secrets as their ciphertext).

    A request that is refused must leave this exactly as it was: not a row added, changed
    (even a timestamp) or removed.
    """
    return {
        table: list(db.query(f"select * from [{table}] order by rowid"))
        for table in ("installations", *PORTAL_TABLES)
    }


def split(row: dict, *keys: str) -> tuple[dict, dict]:
    """The row without `keys`, and those fields alone: timestamps set aside to check apart."""
    return ({k: v for k, v in row.items() if k not in keys}, {k: row[k] for k in keys})


def setting(db, portal_id: int, key: str):
    """A portal's setting as stored, decoded from its JSON; None when there is none."""
    row = next(
        db.query("select value from settings where portal_id = ? and key = ?", [portal_id, key]),
        None,
    )
    return json.loads(row["value"]) if row else None


def credential_rows(db, portal_id: int) -> list[dict]:
    """The portal's credentials without their ciphertext and write time, meta decoded."""
    rows = db.query(
        "select kind, expires_at, meta from credentials where portal_id = ? order by kind",
        [portal_id],
    )
    return [dict(row, meta=json.loads(row["meta"])) for row in rows]
