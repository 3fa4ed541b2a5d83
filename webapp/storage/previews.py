"""The first sync's preview: per record, what the sync will do, and the person's decisions."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlite_utils import Database

from .sqlite import chunks, write_transaction

OUTCOMES = ("linked", "will_link", "will_create", "ambiguous", "invalid", "unmatched")


class Previews:
    def __init__(self, db: Database):
        self.db = db

    def clear(self, portal_id: int) -> None:
        """Forget the preview, keeping the decisions already made (they still apply if the
        same choice comes up again)."""
        with write_transaction(self.db):
            self.db.execute(
                "delete from sync_preview where portal_id = ? and decision is null", [portal_id]
            )

    def put(self, portal_id: int, rows: Iterable[dict]) -> None:
        """Store a page of outcomes in one transaction; a decision made earlier is kept."""
        with write_transaction(self.db):
            for row in rows:
                self.db.execute(
                    "insert into sync_preview (portal_id, hubspot_type, hubspot_id, name, "
                    "outcome, rule, tripletex_id, detail) values (?, ?, ?, ?, ?, ?, ?, ?) "
                    "on conflict (portal_id, hubspot_type, hubspot_id) do update set "
                    "name = excluded.name, outcome = excluded.outcome, rule = excluded.rule, "
                    "tripletex_id = excluded.tripletex_id, detail = excluded.detail",
                    [
                        portal_id,
                        row["hubspot_type"],
                        str(row["hubspot_id"]),
                        row.get("name") or "",
                        row["outcome"],
                        row.get("rule"),
                        row.get("tripletex_id"),
                        json.dumps(row.get("detail") or {}, sort_keys=True),
                    ],
                )

    def counts(self, portal_id: int) -> dict[str, dict[str, int]]:
        """Outcomes per HubSpot object type; a decided ambiguity counts as what was decided."""
        counts: dict[str, dict[str, int]] = {}
        for row in self.db.query(
            "select hubspot_type, case when decision is null then outcome "
            "when decision like '%skip%' then 'skipped' else 'will_link' end as outcome, "
            "count(*) as n from sync_preview where portal_id = ? group by 1, 2",
            [portal_id],
        ):
            counts.setdefault(row["hubspot_type"], {})[row["outcome"]] = row["n"]
        return counts

    def rows(
        self,
        portal_id: int,
        hubspot_type: str,
        *,
        outcome: str | None = None,
        search: str = "",
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict]:
        where, args = ["portal_id = ?", "hubspot_type = ?"], [portal_id, hubspot_type]
        if outcome:
            where.append("outcome = ?")
            args.append(outcome)
        if search:
            where.append("name like ? escape '\\'")
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(f"%{escaped}%")
        return [
            _decoded(row)
            for row in self.db.query(
                f"select * from sync_preview where {' and '.join(where)} "
                "order by case outcome when 'ambiguous' then 0 when 'invalid' then 1 else 2 end, "
                "name, hubspot_id limit ? offset ?",
                [*args, limit, offset],
            )
        ]

    def get(self, portal_id: int, hubspot_type: str, hubspot_id: str) -> dict | None:
        row = next(
            self.db.query(
                "select * from sync_preview where portal_id = ? and hubspot_type = ? "
                "and hubspot_id = ?",
                [portal_id, hubspot_type, str(hubspot_id)],
            ),
            None,
        )
        return _decoded(row) if row else None

    def decide(self, portal_id: int, hubspot_type: str, hubspot_id: str, decision: dict) -> None:
        with write_transaction(self.db):
            self.db.execute(
                "update sync_preview set decision = ? where portal_id = ? and hubspot_type = ? "
                "and hubspot_id = ?",
                [json.dumps(decision, sort_keys=True), portal_id, hubspot_type, str(hubspot_id)],
            )

    def decisions(self, portal_id: int, hubspot_type: str, hubspot_ids) -> dict[str, dict]:
        ids = [str(i) for i in hubspot_ids]
        found: dict[str, dict] = {}
        for chunk in chunks(ids):
            for row in self.db.query(
                "select hubspot_id, decision from sync_preview where portal_id = ? and "
                f"hubspot_type = ? and decision is not null and hubspot_id in "
                f"({','.join('?' * len(chunk))})",
                [portal_id, hubspot_type, *chunk],
            ):
                found[row["hubspot_id"]] = json.loads(row["decision"])
        return found


def _decoded(row: dict) -> dict:
    row = dict(row)
    row["detail"] = json.loads(row["detail"] or "{}")
    row["decision"] = json.loads(row["decision"]) if row.get("decision") else None
    return row
