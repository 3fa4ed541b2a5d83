"""The manual product mapping: which Tripletex product a HubSpot product is, as a person chose."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from ..timeutil import SYSTEM_CLOCK, Clock, isoformat
from .sqlite import chunks, write_transaction


@dataclass(frozen=True)
class Choice:
    hubspot_id: str
    hubspot_name: str
    tripletex_id: int
    tripletex_number: str
    tripletex_name: str


class ProductChoices:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK):
        self.db = db
        self.clock = clock

    def choose(self, portal_id: int, choice: Choice) -> None:
        """Keep the choice; one made earlier for the same HubSpot product is replaced. The
        Tripletex product must not be another HubSpot product's choice (the caller checks;
        the unique index refuses it all the same)."""
        with write_transaction(self.db):
            self.db.execute(
                "insert into product_choices (portal_id, hubspot_id, hubspot_name, tripletex_id, "
                "tripletex_number, tripletex_name, chosen_at) values (?, ?, ?, ?, ?, ?, ?) "
                "on conflict (portal_id, hubspot_id) do update set "
                "hubspot_name = excluded.hubspot_name, tripletex_id = excluded.tripletex_id, "
                "tripletex_number = excluded.tripletex_number, "
                "tripletex_name = excluded.tripletex_name, chosen_at = excluded.chosen_at",
                [
                    portal_id,
                    str(choice.hubspot_id),
                    choice.hubspot_name,
                    choice.tripletex_id,
                    choice.tripletex_number,
                    choice.tripletex_name,
                    isoformat(self.clock.now()),
                ],
            )

    def forget(self, portal_id: int, hubspot_ids: Iterable[str]) -> None:
        ids = [str(i) for i in hubspot_ids]
        if not ids:
            return
        with write_transaction(self.db):
            for chunk in chunks(ids):
                self.db.execute(
                    "delete from product_choices where portal_id = ? and hubspot_id in "
                    f"({','.join('?' * len(chunk))})",
                    [portal_id, *chunk],
                )

    def all(self, portal_id: int) -> list[Choice]:
        return [
            _choice(row)
            for row in self.db.query(
                "select * from product_choices where portal_id = ? "
                "order by hubspot_name collate nocase, hubspot_id",
                [portal_id],
            )
        ]

    def get(self, portal_id: int, hubspot_ids: Iterable[str]) -> dict[str, Choice]:
        ids = [str(i) for i in hubspot_ids]
        found: dict[str, Choice] = {}
        for chunk in chunks(ids):
            for row in self.db.query(
                "select * from product_choices where portal_id = ? and hubspot_id in "
                f"({','.join('?' * len(chunk))})",
                [portal_id, *chunk],
            ):
                found[row["hubspot_id"]] = _choice(row)
        return found

    def chosen_for(self, portal_id: int, tripletex_id: int) -> Choice | None:
        """The choice that already names this Tripletex product, if any."""
        row = next(
            self.db.query(
                "select * from product_choices where portal_id = ? and tripletex_id = ?",
                [portal_id, tripletex_id],
            ),
            None,
        )
        return _choice(row) if row else None


def _choice(row: dict) -> Choice:
    return Choice(
        row["hubspot_id"],
        row["hubspot_name"] or "",
        row["tripletex_id"],
        row["tripletex_number"] or "",
        row["tripletex_name"] or "",
    )
