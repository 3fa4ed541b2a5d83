"""What one request changed, so a refused write or batch can be taken back at the cost of the
changes alone (a copy of every table would cost milliseconds per write at 50,000 records)."""

from __future__ import annotations

import copy
from contextlib import contextmanager

from flask import g

from . import envelopes
from .errors import TripletexError


class Undo:
    """What one request changed, so a refused batch can be taken back (cost: the changes)."""

    def __init__(self):
        self.log: list[tuple] = []  # ("insert" | "remove", company_id, kind, id, obj)
        self.kept: dict[int, tuple[dict, dict]] = {}
        self.events = len(g.get("pending_events", []))

    def restore(self) -> None:
        state = envelopes.state()
        for action, company_id, kind, obj_id, obj in reversed(self.log):
            table = state.table(company_id, kind)
            if action == "insert":
                table.pop(obj_id, None)
            else:
                table[obj_id] = obj
        for obj, before in self.kept.values():
            obj.clear()
            obj.update(before)
        g.pending_events = g.get("pending_events", [])[: self.events]


@contextmanager
def atomic():
    """All or nothing: a TripletexError inside undoes every change made inside.

    An error marked `committed` (an invoice charged before its send failed) keeps them.
    """
    if g.get("undo") is not None:
        yield  # already inside one
        return
    g.undo = Undo()
    try:
        yield
    except TripletexError as error:
        if not error.committed:
            g.undo.restore()
        raise
    finally:
        g.undo = None


def keep(obj: dict) -> None:
    """Call before changing a stored object in place, so `atomic` can put it back."""
    undo = g.get("undo")
    if undo is not None and id(obj) not in undo.kept:
        undo.kept[id(obj)] = (obj, copy.deepcopy(obj))
    g.setdefault("touched", set()).add(obj.get("id"))


def insert(company_id: int, kind: str, obj: dict) -> dict:
    """Store a new object (undone by `atomic` on failure)."""
    envelopes.state().table(company_id, kind)[obj["id"]] = obj
    undo = g.get("undo")
    if undo is not None:
        undo.log.append(("insert", company_id, kind, obj["id"], obj))
    g.setdefault("touched", set()).add(obj["id"])
    return obj


def remove(company_id: int, kind: str, obj_id: int) -> dict | None:
    """Delete a stored object (put back by `atomic` on failure)."""
    obj = envelopes.state().table(company_id, kind).pop(obj_id, None)
    undo = g.get("undo")
    if obj is not None and undo is not None:
        undo.log.append(("remove", company_id, kind, obj_id, obj))
    g.setdefault("touched", set()).add(obj_id)
    return obj
