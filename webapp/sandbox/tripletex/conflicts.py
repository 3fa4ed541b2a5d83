"""409 for concurrent writes to one record, which one global lock would otherwise rule out.

Tripletex answers "409 Conflict - Such as an edit conflict between multiple simultaneous
updates" (the spec's status codes); parallel order-line posts to one order have been reported
to give "409 RevisionException" (tripletex-api.md §4.3). The sandbox runs one request at a
time, so it remembers when each request arrived: a write that waited for the lock while
another request changed its record answers 409 / 8000 and writes nothing, as the later of two
transactions would. The fault `write_conflicts` forces the same answer where no race can
happen (one client, one request at a time).
"""

from __future__ import annotations

from flask import g, request

from .crud import STALE
from .errors import TripletexError

WRITES = ("POST", "PUT", "DELETE")


def arrived(state) -> None:
    """Note, before any lock is taken, which writes this request may have raced with."""
    g.arrived_after = state.write_seq


def _targets() -> set[int]:
    """The records a write names: ids in the path, the order of posted lines, listed ids."""
    ids = {v for v in (request.view_args or {}).values() if isinstance(v, int)}
    for part in request.args.get("id", "").split(",") if ":invoiceMultiple" in request.path else ():
        if part.strip().isdigit():
            ids.add(int(part))
    body = request.get_json(silent=True)
    for item in body if isinstance(body, list) else [body]:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("id"), int):
            ids.add(item["id"])
        order = item.get("order")
        if isinstance(order, dict) and isinstance(order.get("id"), int):
            ids.add(order["id"])
    return ids


def check(state) -> None:
    """Raise 409 if a record this write names changed after the request arrived."""
    arrived_after = g.get("arrived_after")
    if (
        arrived_after is None
        or request.method not in WRITES
        or not state.settings["concurrent_write_conflicts"]
    ):
        return
    if any(state.stamps.get(obj_id, 0) > arrived_after for obj_id in _targets()):
        raise conflict(8000)


def stamp(state) -> None:
    """Record that this request's changes are committed (called under the lock)."""
    touched = g.pop("touched", None)
    if touched:
        state.write_seq += 1
        for obj_id in touched:
            if obj_id is not None:
                state.stamps[obj_id] = state.write_seq


def conflict(code: int) -> TripletexError:
    if code == 10000:
        return TripletexError(409, 10000, "Objektet er låst.", developer_message="Locked")
    return TripletexError(409, 8000, STALE, developer_message="RevisionException")
