"""The binder: which Tripletex record each HubSpot record is, and how far a create got.

A create in Tripletex cannot carry an idempotency key, so it goes in three steps, each
committed on its own: `reserve` (with what will identify the record afterwards), the call to
Tripletex (outside any transaction), then `link`. A row left `reserved` means a create whose
outcome is unknown: the engine looks the record up by its identifiers before creating again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock, isoformat
from .sqlite import chunks, write_transaction

RESERVED = "reserved"
LINKED = "linked"
FAILED = "failed"
UNLINKED = "unlinked"
LEFT_OUT = "left_out"  # kept out of Tripletex on purpose (a won deal from before the app)
STATES = (RESERVED, LINKED, FAILED, UNLINKED, LEFT_OUT)
# Second links of a record counted by its first: a deal's invoice and timeline note (beside its
# order), a contact's private customer (beside its contact).
SECOND_LINKS = (("deals", "invoice"), ("deals", "note"), ("contacts", "customer"))


@dataclass(frozen=True)
class Link:
    """What to write when a HubSpot record is linked to a Tripletex one."""

    hubspot_id: str
    tripletex_id: int
    tripletex_number: str | None = None
    version: int | None = None
    synced_hash: str | None = None
    created: bool = False  # the app made the Tripletex record (plans count these)


class Mappings:
    """One portal's links, for one HubSpot object type and one Tripletex kind at a time."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def _now(self) -> str:
        return isoformat(self.clock.now())

    def get(
        self, portal_id: int, hubspot_type: str, kind: str, hubspot_ids: Iterable[str]
    ) -> dict[str, dict]:
        """The rows of these HubSpot records, by HubSpot id (records with none are absent)."""
        ids = [str(i) for i in hubspot_ids]
        rows: dict[str, dict] = {}
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.db.query(
                "select * from mappings where portal_id = ? and hubspot_type = ? "
                f"and tripletex_kind = ? and hubspot_id in ({marks})",
                [portal_id, hubspot_type, kind, *chunk],
            ):
                rows[row["hubspot_id"]] = _decoded(row)
        return rows

    def linked_tripletex_ids(self, portal_id: int, kind: str) -> dict[int, str]:
        """Tripletex ids already linked (or being created) for the portal -> their HubSpot id."""
        return {
            row["tripletex_id"]: row["hubspot_id"]
            for row in self.db.query(
                "select tripletex_id, hubspot_id from mappings where portal_id = ? and "
                "tripletex_kind = ? and state = ? and merged_into is null "
                "and tripletex_id is not null",
                [portal_id, kind, LINKED],
            )
        }

    def linked_among(self, portal_id: int, kind: str, tripletex_ids) -> set[int]:
        """Which of these Tripletex records are already some HubSpot record's."""
        ids = [int(i) for i in tripletex_ids]
        found: set[int] = set()
        for chunk in chunks(ids):
            found.update(
                row["tripletex_id"]
                for row in self.db.query(
                    "select tripletex_id from mappings where portal_id = ? and tripletex_kind = ? "
                    "and state = ? and merged_into is null and tripletex_id in "
                    f"({','.join('?' * len(chunk))})",
                    [portal_id, kind, LINKED, *chunk],
                )
            )
        return found

    def reserved(self, portal_id: int, hubspot_type: str, kind: str) -> list[dict]:
        """Creates whose outcome is unknown (a worker stopped, or an answer was lost)."""
        return [
            _decoded(row)
            for row in self.db.query(
                "select * from mappings where portal_id = ? and hubspot_type = ? "
                "and tripletex_kind = ? and state = ? order by id",
                [portal_id, hubspot_type, kind, RESERVED],
            )
        ]

    def reserve(
        self, portal_id: int, hubspot_type: str, kind: str, identifiers: dict[str, dict]
    ) -> None:
        """Mark creates as in flight, with what each was sent with (HubSpot id -> identifiers).

        A row already linked is left alone: reserving never undoes a link.
        """
        now = self._now()
        with write_transaction(self.db):
            for hubspot_id, found_by in identifiers.items():
                self.db.execute(
                    "insert into mappings (portal_id, hubspot_type, hubspot_id, tripletex_kind, "
                    "state, identifiers, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?) "
                    "on conflict (portal_id, hubspot_type, hubspot_id, tripletex_kind) do update "
                    "set state = excluded.state, identifiers = excluded.identifiers, "
                    "problem = null, updated_at = excluded.updated_at "
                    "where mappings.state != 'linked'",
                    [
                        portal_id,
                        hubspot_type,
                        str(hubspot_id),
                        kind,
                        RESERVED,
                        json.dumps(found_by, sort_keys=True),
                        now,
                        now,
                    ],
                )

    def link(self, portal_id: int, hubspot_type: str, kind: str, links: Iterable[Link]) -> None:
        """Record that HubSpot records are these Tripletex records, in one transaction."""
        now = self._now()
        with write_transaction(self.db):
            for link in links:
                self.db.execute(
                    "insert into mappings (portal_id, hubspot_type, hubspot_id, tripletex_kind, "
                    "tripletex_id, tripletex_number, state, synced_version, synced_hash, "
                    "created_at, updated_at, linked_at, created) "
                    "values (?, ?, ?, ?, ?, ?, 'linked', ?, ?, ?, ?, ?, ?) "
                    "on conflict (portal_id, hubspot_type, hubspot_id, tripletex_kind) do update "
                    "set tripletex_id = excluded.tripletex_id, "
                    "created = case when mappings.tripletex_id = excluded.tripletex_id "
                    "then max(mappings.created, excluded.created) else excluded.created end, "
                    "tripletex_number = coalesce(excluded.tripletex_number, "
                    "mappings.tripletex_number), state = 'linked', problem = null, "
                    "synced_version = excluded.synced_version, "
                    "synced_hash = excluded.synced_hash, merged_into = null, "
                    "updated_at = excluded.updated_at, "
                    "linked_at = coalesce(mappings.linked_at, excluded.linked_at)",
                    [
                        portal_id,
                        hubspot_type,
                        link.hubspot_id,
                        kind,
                        link.tripletex_id,
                        link.tripletex_number,
                        link.version,
                        link.synced_hash,
                        now,
                        now,
                        now,
                        int(link.created),
                    ],
                )

    def fail(self, portal_id: int, hubspot_type: str, kind: str, problems: dict[str, dict]) -> None:
        """Record why records could not be synced (HubSpot id -> problem as a dict).

        A linked record keeps its link (its last write failed, not the link); a record never
        created becomes `failed`.
        """
        now = self._now()
        with write_transaction(self.db):
            for hubspot_id, problem in problems.items():
                self.db.execute(
                    "insert into mappings (portal_id, hubspot_type, hubspot_id, tripletex_kind, "
                    "state, problem, created_at, updated_at) "
                    "values (?, ?, ?, ?, 'failed', ?, ?, ?) "
                    "on conflict (portal_id, hubspot_type, hubspot_id, tripletex_kind) do update "
                    "set problem = excluded.problem, updated_at = excluded.updated_at, "
                    "state = case when mappings.state = 'linked' then 'linked' else 'failed' end",
                    [
                        portal_id,
                        hubspot_type,
                        str(hubspot_id),
                        kind,
                        json.dumps(problem, sort_keys=True),
                        now,
                        now,
                    ],
                )

    def clear_problems(self, portal_id: int, hubspot_type: str, kind: str, hubspot_ids) -> None:
        """Linked records whose last problem is solved (a held deal's order, now invoiced)."""
        now = self._now()
        with write_transaction(self.db):
            for hubspot_id in hubspot_ids:
                self.db.execute(
                    "update mappings set problem = null, updated_at = ? where portal_id = ? "
                    "and hubspot_type = ? and tripletex_kind = ? and hubspot_id = ? "
                    "and state = 'linked' and problem is not null",
                    [now, portal_id, hubspot_type, kind, str(hubspot_id)],
                )

    def unlink(self, portal_id: int, hubspot_type: str, kind: str, hubspot_ids) -> None:
        """The HubSpot records are gone: keep which Tripletex record each was (for a restore),
        marked unlinked, so nothing syncs to it and it counts as no one's."""
        now = self._now()
        with write_transaction(self.db):
            for hubspot_id in hubspot_ids:
                self.db.execute(
                    "update mappings set state = 'unlinked', updated_at = ? where portal_id = ? "
                    "and hubspot_type = ? and tripletex_kind = ? and hubspot_id = ? "
                    "and state = 'linked'",
                    [now, portal_id, hubspot_type, kind, str(hubspot_id)],
                )

    def relink(
        self, portal_id: int, hubspot_type: str, kind: str, hubspot_ids, *, keep_hash=False
    ) -> None:
        """Restored in HubSpot: an unlinked record is its Tripletex record's again (the next
        sync compares and writes what differs; with `keep_hash`, what was sent stays known,
        as a deal's invoice needs to tell later changes)."""
        now = self._now()
        forget = "" if keep_hash else "synced_hash = null, "
        with write_transaction(self.db):
            for hubspot_id in hubspot_ids:
                self.db.execute(
                    f"update mappings set state = 'linked', {forget}updated_at = ? "
                    "where portal_id = ? and hubspot_type = ? and tripletex_kind = ? "
                    "and hubspot_id = ? and state = 'unlinked' and tripletex_id is not null",
                    [now, portal_id, hubspot_type, kind, str(hubspot_id)],
                )

    def merge(
        self, portal_id: int, hubspot_type: str, kind: str, survivor: str, merged: list[str]
    ) -> dict | None:
        """HubSpot merged records into `survivor`: it takes over a link of theirs if it has
        none, and theirs point at it. Returns the link the survivor now has (or None)."""
        now = self._now()
        with write_transaction(self.db):
            rows = self.get(portal_id, hubspot_type, kind, [survivor, *merged])
            kept = rows.get(survivor)
            if not (kept and kept["state"] == LINKED):
                kept = next(
                    (rows[m] for m in merged if (rows.get(m) or {}).get("state") == LINKED), None
                )
                if kept is not None:
                    self.db.execute(
                        "insert into mappings (portal_id, hubspot_type, hubspot_id, "
                        "tripletex_kind, tripletex_id, tripletex_number, state, synced_version, "
                        "created_at, updated_at, linked_at, created) values (?, ?, ?, ?, ?, ?, "
                        "'linked', ?, ?, ?, ?, ?) on conflict (portal_id, hubspot_type, "
                        "hubspot_id, tripletex_kind) do update set "
                        "tripletex_id = excluded.tripletex_id, "
                        "tripletex_number = excluded.tripletex_number, state = 'linked', "
                        "problem = null, synced_hash = null, created = excluded.created, "
                        "updated_at = excluded.updated_at",
                        [
                            portal_id,
                            hubspot_type,
                            survivor,
                            kind,
                            kept["tripletex_id"],
                            kept["tripletex_number"],
                            kept["synced_version"],
                            now,
                            now,
                            kept.get("linked_at") or now,  # still counted in its own month
                            int(kept.get("created") or 0),
                        ],
                    )
                    # The survivor counts it now (the plans count invoices once).
                    self.db.execute("update mappings set created = 0 where id = ?", [kept["id"]])
            for hubspot_id in merged:
                if hubspot_id != survivor:
                    self.db.execute(
                        "update mappings set merged_into = ?, state = case when state = "
                        "'linked' then 'unlinked' else state end, updated_at = ? "
                        "where portal_id = ? and hubspot_type = ? and tripletex_kind = ? "
                        "and hubspot_id = ?",
                        [survivor, now, portal_id, hubspot_type, kind, hubspot_id],
                    )
        return self.get(portal_id, hubspot_type, kind, [survivor]).get(survivor)

    def merged_into(self, portal_id: int, hubspot_type: str, hubspot_ids) -> set[str]:
        """Every record merged (directly or through others) into these ones."""
        found: set[str] = set()
        frontier = {str(i) for i in hubspot_ids}
        while frontier:
            marks = ",".join("?" * len(frontier))
            step = {
                row["hubspot_id"]
                for row in self.db.query(
                    "select hubspot_id from mappings where portal_id = ? and hubspot_type = ? "
                    f"and merged_into in ({marks})",
                    [portal_id, hubspot_type, *frontier],
                )
            } - found
            found |= step
            frontier = step
        return found

    def forget(self, portal_id: int, hubspot_type: str, hubspot_ids) -> None:
        """Delete every row of these records (a privacy deletion leaves nothing of them)."""
        with write_transaction(self.db):
            for hubspot_id in hubspot_ids:
                self.db.execute(
                    "delete from mappings where portal_id = ? and hubspot_type = ? "
                    "and hubspot_id = ?",
                    [portal_id, hubspot_type, str(hubspot_id)],
                )

    def counts(self, portal_id: int) -> dict[str, dict[str, int]]:
        """Rows per HubSpot object type and state; a linked row with a problem counts as failing."""
        counts: dict[str, dict[str, int]] = {}
        second = " and ".join("not (hubspot_type = ? and tripletex_kind = ?)" for _ in SECOND_LINKS)
        for row in self.db.query(
            "select hubspot_type, case when state = 'linked' and problem is not null "
            "then 'failing' else state end as state, count(*) as n from mappings "
            f"where portal_id = ? and merged_into is null and {second} group by 1, 2",
            [portal_id, *(v for pair in SECOND_LINKS for v in pair)],
        ):
            counts.setdefault(row["hubspot_type"], {})[row["state"]] = row["n"]
        return counts

    def failing(
        self,
        portal_id: int,
        *,
        limit: int = 20,
        hubspot_type: str | None = None,
        except_kinds: tuple[str, ...] = (),
    ) -> list[dict]:
        """Records whose last sync failed, newest first, with their problem (of one HubSpot
        object type, if given; problems of `except_kinds` left out)."""
        where, args = ["portal_id = ?"], [portal_id]
        if hubspot_type:
            where.append("hubspot_type = ?")
            args.append(hubspot_type)
        if except_kinds:
            marks = ",".join("?" * len(except_kinds))
            where.append(f"json_extract(problem, '$.kind') not in ({marks})")
            args.extend(except_kinds)
        return [
            _decoded(row)
            for row in self.db.query(
                f"select * from mappings where {' and '.join(where)} and problem is not null "
                "and merged_into is null order by updated_at desc, id desc limit ?",
                [*args, limit],
            )
        ]

    def leave_out(self, portal_id: int, hubspot_type: str, kind: str, hubspot_ids) -> None:
        """Keep records out of Tripletex on purpose, those with no row yet (a held, reserved or
        linked one keeps its own); `release` lets them in."""
        now = self._now()
        with write_transaction(self.db):
            for hubspot_id in hubspot_ids:
                self.db.execute(
                    "insert into mappings (portal_id, hubspot_type, hubspot_id, tripletex_kind, "
                    "state, created_at, updated_at) values (?, ?, ?, ?, 'left_out', ?, ?) "
                    "on conflict (portal_id, hubspot_type, hubspot_id, tripletex_kind) do nothing",
                    [portal_id, hubspot_type, str(hubspot_id), kind, now, now],
                )

    def release(
        self,
        portal_id: int,
        hubspot_type: str,
        kind: str,
        hubspot_ids,
        *,
        states: tuple[str, ...] = (FAILED, LEFT_OUT),
    ) -> None:
        """Records no longer waiting for anything (a held deal moved off its trigger stage):
        a row in one of `states` that never linked goes, a linked one loses its problem."""
        now = self._now()
        marks = ",".join("?" * len(states))
        with write_transaction(self.db):
            for hubspot_id in hubspot_ids:
                where = [portal_id, hubspot_type, kind, str(hubspot_id)]
                self.db.execute(
                    "delete from mappings where portal_id = ? and hubspot_type = ? "
                    f"and tripletex_kind = ? and hubspot_id = ? and state in ({marks})",
                    [*where, *states],
                )
                self.db.execute(
                    "update mappings set problem = null, updated_at = ? where portal_id = ? "
                    "and hubspot_type = ? and tripletex_kind = ? and hubspot_id = ? "
                    "and state = 'linked'",
                    [now, *where],
                )

    def count_created(self, portal_id: int, kind: str, *, since: str) -> int:
        """Records of a kind the app made since a moment (the plans count invoices this way):
        not those found in Tripletex; one a merge moved to the survivor, once."""
        return next(
            self.db.query(
                "select count(*) as n from mappings where portal_id = ? and tripletex_kind = ? "
                "and created = 1 and linked_at >= ?",
                [portal_id, kind, since],
            )
        )["n"]


def _decoded(row: dict) -> dict:
    row = dict(row)
    for name in ("identifiers", "problem"):
        if row.get(name):
            row[name] = json.loads(row[name])
    return row
