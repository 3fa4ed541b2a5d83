"""The `{value}` and `{fullResultSize, from, count, versionDigest, values}` envelopes, paging,
sorting and the 10,000-row cap."""

from __future__ import annotations

import hashlib

from flask import Response, current_app, g, jsonify, request

from . import fields as fieldspec
from .errors import TripletexError, bad_request

NO_DIGEST = "'If-None-Match' header not specified"


def state():
    return current_app.extensions["tripletex_sandbox"]


def shaper() -> fieldspec.Shaper:
    """A Shaper for this request: the caller's company and the Host it called."""
    return fieldspec.Shaper(state(), g.get("company_id"), request.host)


def requested_fields(kind: str) -> dict:
    """This request's `fields`, parsed and checked against the model of `kind`."""
    spec = fieldspec.parse(request.args.get("fields"))
    fieldspec.check(kind, spec)
    return spec


def value(kind: str, obj: dict, status: int = 200) -> Response:
    spec = requested_fields(kind)
    response = jsonify({"value": shaper().shape(kind, obj, spec)})
    response.status_code = status
    return response


def int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"Ugyldig verdi for parameter {name}: {raw}", code=12000) from None


def listing(kind: str, objects: list[dict], status: int = 200, paged: bool = True) -> Response:
    """Sort, cap, page and shape `objects`; honour If-None-Match with 304."""
    spec = requested_fields(kind)
    cap = state().settings["result_cap"]
    if len(objects) > cap:
        raise TripletexError(
            422, 23000, f"Result set too large. Limit of {cap:,} reached.".replace(",", ".")
        )
    objects = sort(objects, request.args.get("sorting", ""))
    start, count = (int_arg("from", 0), int_arg("count", 1000)) if paged else (0, len(objects))
    page = objects[start : start + count]
    shape = shaper()
    values = [shape.shape(kind, obj, spec) for obj in page]
    total = len(objects)
    # Real Tripletex reports count+1 while more rows exist and the true total only at the end.
    full = total if start + count >= total else start + count + 1
    digest = NO_DIGEST
    wanted = request.headers.get("If-None-Match")
    if wanted is not None:
        digest = _digest(objects) if objects else None
        if digest is not None and wanted.strip('"') == digest:
            return Response(status=304)
    response = jsonify(
        {
            "fullResultSize": full,
            "from": start,
            "count": len(values),
            "versionDigest": digest,
            "values": values,
        }
    )
    response.status_code = status
    return response


def batch(kind: str, objects: list[dict], status: int) -> Response:
    """Answer of a `/list` write: Tripletex reports fullResultSize 0 there; trust values."""
    spec = requested_fields(kind)
    shape = shaper()
    response = jsonify(
        {
            "fullResultSize": 0,
            "from": 0,
            "count": len(objects),
            "versionDigest": NO_DIGEST,
            "values": [shape.shape(kind, o, spec) for o in objects],
        }
    )
    response.status_code = status
    return response


def _digest(objects: list[dict]) -> str:
    text = ";".join(f"{o['id']}:{o.get('version', 0)}" for o in objects)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def sort(objects: list[dict], sorting: str) -> list[dict]:
    """Apply `sorting=a,-b,customer.id`; default order is by id."""
    result = sorted(objects, key=lambda o: o["id"])
    for key in reversed([k for k in sorting.split(",") if k.strip()]):
        descending = key.startswith("-")
        path = key.lstrip("-").split(".")
        result.sort(key=lambda o: _sort_key(o, path), reverse=descending)
    return result


def _sort_key(obj, path):
    for part in path:
        obj = obj.get(part) if isinstance(obj, dict) else None
    return (
        obj is None,
        str(obj) if not isinstance(obj, (int, float)) else "",
        obj if isinstance(obj, (int, float)) else 0,
    )
