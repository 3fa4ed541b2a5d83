"""Checkpoints: how far a long piece of work got, per portal, so it resumes after a crash."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock, isoformat
from .sqlite import write_transaction


class Cursors:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def get(self, portal_id: int, name: str) -> Any:
        row = next(
            self.db.query(
                "select value from sync_cursors where portal_id = ? and name = ?",
                [portal_id, name],
            ),
            None,
        )
        return json.loads(row["value"]) if row else None

    def put(self, portal_id: int, name: str, value: Any) -> None:
        with write_transaction(self.db):
            self.db["sync_cursors"].upsert(
                {
                    "portal_id": portal_id,
                    "name": name,
                    "value": json.dumps(value, sort_keys=True),
                    "updated_at": isoformat(self.clock.now()),
                },
                pk=("portal_id", "name"),
            )
