"""Generic create/read/update/delete for Tripletex entities, with versions, changes and events."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

from flask import g, request

from . import dates, envelopes
from .errors import NO_ID_ON_CREATE, TripletexError, not_found, required, validation
from .journal import atomic, insert, keep, remove
from .schemas import READ_ONLY, TEMPLATES, new_object, ref_list_type, ref_type
from .search import search

__all__ = ["atomic", "insert", "keep", "new_object", "remove", "search"]

STORED_REFS = {
    "customer",
    "contact",
    "product",
    "vatType",
    "currency",
    "account",
    "employee",
    "order",
    "invoice",
    "paymentType",
    "address",
    "country",
}
STALE = "Objektet er endret av en annen bruker siden det ble hentet. Hent det på nytt."


@dataclass
class Resource:
    """How one entity type is written, validated and found."""

    kind: str
    required: tuple[str, ...] = ()
    filters: list[tuple[str, str, str]] = field(default_factory=list)  # (param, field, mode)
    before_write: Callable | None = None  # (company_id, obj, body, creating); may pop keys
    after_write: Callable | None = None  # (company_id, obj, creating) -> None
    before_delete: Callable | None = None  # (company_id, obj) -> None; may refuse
    visible: Callable | None = None  # (obj) -> bool: whether this caller may see it
    events: bool = True


def body_json():
    body = request.get_json(silent=True)
    if body is None and request.data:
        raise TripletexError(422, 22000, "Ugyldig JSON.")
    return body if body is not None else {}


def check_version(obj: dict, body: dict) -> None:
    sent = body.get("version")
    if sent is not None and sent != obj["version"]:
        raise TripletexError(409, 8000, STALE, developer_message="RevisionException")


def assign(company_id: int, kind: str, obj: dict, body: dict) -> None:
    """Copy writable fields from `body` onto `obj`, resolving references to {"id": N}."""
    template = TEMPLATES[kind]
    for key, val in body.items():
        if key in READ_ONLY or ref_list_type(kind, key):
            continue
        if key not in template:
            raise TripletexError(
                422,
                16000,
                f"Feltet '{key}' finnes ikke i objektet.",
                validation=[(key, "Feltet eksisterer ikke i objektet.")],
            )
        target = ref_type(kind, key)
        if target:
            obj[key] = resolve_ref(company_id, target, key, val)
            continue
        dates.check_body(kind, key, val)
        default = template[key]
        if val is None:
            val = copy.deepcopy(default)
        elif not _same_type(default, val):
            raise TripletexError(
                422, 16000, "Mapping failed.", validation=[(key, "Ugyldig verdi.")]
            )
        obj[key] = val


def _same_type(default, val) -> bool:
    if isinstance(default, bool):
        return isinstance(val, bool)
    if isinstance(default, (int, float)):
        return isinstance(val, (int, float)) and not isinstance(val, bool)
    return isinstance(val, type(default))


def resolve_ref(company_id: int, target: str, key: str, val):
    if val is None:
        return None
    if not isinstance(val, dict) or val.get("id") in (None, ""):
        # Nested objects without an id are silently dropped by Tripletex.
        return None
    try:
        ref_id = int(val["id"])
    except (TypeError, ValueError):
        raise validation(f"{key}.id", "Ugyldig id.") from None
    if target in STORED_REFS and envelopes.state().get(company_id, target, ref_id) is None:
        if target == "vatType":  # an id that is no VAT type of this company (often a number)
            raise validation(key, "Ugyldig mva-kode.")
        raise validation(f"{key}.id", "Objektet finnes ikke.")
    return {"id": ref_id}


def record_change(obj: dict, change: str) -> None:
    state = envelopes.state()
    token = g.get("employee_token") or {}
    obj.setdefault("_changes", []).append(
        {
            "employeeId": token.get("employee_id", 0),
            "timestamp": state.clock.now().astimezone().isoformat(timespec="seconds"),
            "changeType": change,
        }
    )
    obj["_changed_at"] = state.clock.now()
    g.setdefault("touched", set()).add(obj.get("id"))


def create(res: Resource, company_id: int, body: dict) -> dict:
    if not isinstance(body, dict):
        raise TripletexError(422, 16000, "Forventet et objekt.")
    if body.get("id") not in (None, 0):
        raise validation("id", NO_ID_ON_CREATE)
    state = envelopes.state()
    obj = new_object(res.kind)
    obj["id"] = state.next_id(res.kind)
    body = dict(body)  # hooks may consume keys they handle themselves
    if res.before_write:
        res.before_write(company_id, obj, body, True)
    assign(company_id, res.kind, obj, body)
    missing = [f for f in res.required if obj.get(f) in (None, "")]
    if missing:
        raise required(*missing)
    if res.after_write:
        res.after_write(company_id, obj, True)
    record_change(obj, "CREATE")
    insert(company_id, res.kind, obj)  # only once everything validated
    if res.events:
        emit(company_id, f"{res.kind}.create", res.kind, obj)
    return obj


def update(res: Resource, company_id: int, obj: dict, body: dict) -> dict:
    if not isinstance(body, dict):
        raise TripletexError(422, 16000, "Forventet et objekt.")
    check_version(obj, body)
    before = copy.deepcopy({k: v for k, v in obj.items() if not k.startswith("_")})
    draft = copy.deepcopy(obj)
    body = dict(body)
    if res.before_write:
        res.before_write(company_id, draft, body, False)
    assign(company_id, res.kind, draft, body)
    missing = [f for f in res.required if draft.get(f) in (None, "")]
    if missing:
        raise required(*missing)
    if res.after_write:
        res.after_write(company_id, draft, False)
    if {k: v for k, v in draft.items() if not k.startswith("_")} != before:
        draft["version"] = obj["version"] + 1
        record_change(draft, "UPDATE")
        keep(obj)
        obj.clear()
        obj.update(draft)
        if res.events:
            emit(company_id, f"{res.kind}.update", res.kind, obj)
    return obj


def delete(res: Resource, company_id: int, obj_id: int) -> None:
    obj = fetch(res, company_id, obj_id)
    if res.before_delete:
        res.before_delete(company_id, obj)
    remove(company_id, res.kind, obj_id)
    if res.events:
        emit(company_id, f"{res.kind}.delete", res.kind, {"id": obj_id})


def fetch(res: Resource, company_id: int, obj_id) -> dict:
    obj = envelopes.state().get(company_id, res.kind, obj_id)
    if obj is None or (res.visible is not None and not res.visible(obj)):
        raise not_found()
    return obj


def emit(company_id: int, event: str, kind: str, obj: dict) -> None:
    """Queue `event` for webhooks; sent after the response succeeds (value null on delete)."""
    g.setdefault("pending_events", []).append((company_id, event, kind, obj["id"]))
