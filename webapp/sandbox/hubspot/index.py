"""The search index, which takes in each write only after a delay on the sandbox clock.

HubSpot's search is eventually consistent: "Search results may exclude newly created and
updated HubSpot CRM objects" for some seconds after the write (fidelity-findings B3; the
brief §4.2). Reads by id are immediate; search sees each record as it was when the index last
caught up with it: not at all just after its creation, with its old values just after an
update, still there just after it was archived. The delay is the `search_lag_seconds` setting.
"""

from __future__ import annotations

from collections.abc import Iterable

from .state import Portal, Record


def stage(sandbox, record: Record) -> None:
    """Queue the record's current state (or its absence) for the index."""
    now = sandbox.clock.now()
    lag = float(sandbox.settings["search_lag_seconds"])
    snapshot = dict(record.properties) if record.live else None
    record.search.append((now + lag, snapshot))
    # Keep only what a search may still see: the newest visible version and later ones.
    visible = [i for i, (at, _) in enumerate(record.search) if at <= now]
    if visible:
        del record.search[: visible[-1]]


def visible(record: Record, now: float) -> dict | None:
    """Return the record's properties as search sees them at `now`, or None."""
    for at, snapshot in reversed(record.search):
        if at <= now:
            return snapshot
    return None


def settle(portal: Portal) -> None:
    """Make every record's current state searchable now (seeded data is long indexed)."""
    for records in portal.records.values():
        settle_records(records.values())


def settle_records(records: Iterable[Record]) -> None:
    """Make these records' current state searchable now."""
    for record in records:
        record.search = [(float("-inf"), dict(record.properties) if record.live else None)]
