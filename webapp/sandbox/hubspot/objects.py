"""CRM objects API: create, read, update, archive, list and the batch endpoints."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from . import records, schema
from .errors import ApiFailure, invalid
from .gateway import api, json_body, sandbox
from .state import iso

bp = Blueprint("hubspot_objects", __name__)
BATCH_LIMIT = 100
LIST_LIMIT = 100  # max `limit` for list; UNCONFIRMED in the brief, 100 as for batches
V = 'any("2026-03", "2026-09"):version'


def routes(path: str, **options):
    """Serve a path on both the date-versioned and the legacy v3 prefix."""

    def decorate(view):
        bp.add_url_rule(f"/crm/objects/<{V}>/<object_type>{path}", view_func=view, **options)
        bp.add_url_rule(
            f"/crm/v3/objects/<object_type>{path}",
            endpoint=view.__name__ + "_v3",
            view_func=view,
            defaults={"version": "v3"},
            **options,
        )
        return view

    return decorate


def kind(object_type: str) -> str:
    """Return the canonical type for a path segment, or raise HubSpot's 400."""
    canonical = schema.canonical_type(object_type)
    if canonical is None:
        raise invalid(f"Unable to infer object type from: {object_type}")
    return canonical


def reading(object_type: str, **_) -> list:
    return schema.read_scopes(kind(object_type))


def writing(object_type: str, **_) -> list:
    return schema.write_scopes(kind(object_type))


def csv_arg(name: str) -> list[str]:
    """Read a query list sent as CSV and/or repeated parameters."""
    return [part for value in request.args.getlist(name) for part in value.split(",") if part]


def _limit(raw, default: int, maximum: int) -> int:
    try:
        limit = int(raw if raw is not None else default)
    except (TypeError, ValueError):
        raise invalid(f"limit must be an integer, not {raw!r}") from None
    if not 1 <= limit <= maximum:
        raise invalid(f"limit must be between 1 and {maximum}")
    return limit


@routes("", methods=["GET"])
@api(reading)
def list_objects(version: str, object_type: str):
    """List a page of records in id order; `paging.next.after` continues it."""
    object_type = kind(object_type)
    limit = _limit(request.args.get("limit"), 10, LIST_LIMIT)
    archived = request.args.get("archived", "false").lower() == "true"
    rows = sorted(
        (r for r in g.portal.records[object_type].values() if r.archived == archived),
        key=lambda r: int(r.id),
    )
    after = request.args.get("after")
    if after:
        rows = [r for r in rows if int(r.id) >= int(after)] if after.isdigit() else []
    page, rest = rows[:limit], rows[limit:]
    body = {
        "results": [
            records.public(g.portal, object_type, r, csv_arg("properties"), csv_arg("associations"))
            for r in page
        ]
    }
    if rest:
        link = f"{request.base_url}?after={rest[0].id}&limit={limit}"
        body["paging"] = {"next": {"after": rest[0].id, "link": link}}
    return jsonify(body)


@routes("", methods=["POST"])
@api(writing)
def create_object(version: str, object_type: str):
    object_type = kind(object_type)
    body = json_body()
    record = records.create(
        sandbox(),
        g.portal,
        object_type,
        body.get("properties") or {},
        body.get("associations") or [],
        g.source,
    )
    return jsonify(records.public(g.portal, object_type, record, list(record.properties))), 201


@routes("/<object_id>", methods=["GET"])
@api(reading)
def read_object(version: str, object_type: str, object_id: str):
    object_type = kind(object_type)
    record = records.get(g.portal, object_type, object_id, request.args.get("idProperty"))
    return jsonify(
        records.public(
            g.portal, object_type, record, csv_arg("properties"), csv_arg("associations")
        )
    )


@routes("/<object_id>", methods=["PATCH"])
@api(writing)
def update_object(version: str, object_type: str, object_id: str):
    object_type = kind(object_type)
    record = records.get(g.portal, object_type, object_id, request.args.get("idProperty"))
    records.update(
        sandbox(), g.portal, object_type, record, json_body().get("properties") or {}, g.source
    )
    return jsonify(records.public(g.portal, object_type, record, list(record.properties)))


@routes("/<object_id>", methods=["DELETE"])
@api(writing)
def archive_object(version: str, object_type: str, object_id: str):
    """Archive a record; like HubSpot, 204 even when it was already gone."""
    object_type = kind(object_type)
    record = records.find(g.portal, object_type, object_id)
    if record is not None:
        records.archive(sandbox(), g.portal, object_type, record, g.source)
    return "", 204


def _inputs() -> tuple[dict, list]:
    body = json_body()
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, list):
        raise invalid("Invalid input JSON: `inputs` must be a list")
    if len(inputs) > BATCH_LIMIT:
        raise invalid(
            f"Batch input must contain at most {BATCH_LIMIT} inputs; got {len(inputs)}",
            errors=[{"message": f"size must be between 0 and {BATCH_LIMIT}", "in": "inputs"}],
        )
    return body, inputs


def _batch_answer(results: list, errors: list, ok_status: int, started: float):
    body = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso(started),
        "completedAt": iso(sandbox().clock.now()),
    }
    if errors:
        body.update(numErrors=len(errors), errors=errors)
    return jsonify(body), 207 if errors else ok_status


@routes("/batch/read", methods=["POST"])
@api(reading)
def batch_read(version: str, object_type: str):
    object_type = kind(object_type)
    started = sandbox().clock.now()
    body, inputs = _inputs()
    found, missing = [], []
    for item in inputs:
        record = records.find(g.portal, object_type, str(item.get("id")), body.get("idProperty"))
        (found if record else missing).append(record or str(item.get("id")))
    errors = (
        [
            ApiFailure(
                404,
                "Could not get some objects, they may be deleted or not exist. "
                "Check that ids are valid.",
                "OBJECT_NOT_FOUND",
                context={"ids": missing},
            ).item()
        ]
        if missing
        else []
    )
    results = [records.public(g.portal, object_type, r, body.get("properties")) for r in found]
    return _batch_answer(results, errors, 200, started)


def _each(inputs: list, action) -> tuple[list, list]:
    """Run action per input; collect results and per-input StandardErrors (207)."""
    results, errors = [], []
    for item in inputs:
        try:
            results.append(action(item if isinstance(item, dict) else {}))
        except ApiFailure as failure:
            error = failure.item()
            if isinstance(item, dict) and item.get("objectWriteTraceId"):
                error["context"] = dict(
                    error["context"], objectWriteTraceId=[item["objectWriteTraceId"]]
                )
            errors.append(error)
    return results, errors


@routes("/batch/create", methods=["POST"])
@api(writing)
def batch_create(version: str, object_type: str):
    object_type = kind(object_type)
    started = sandbox().clock.now()
    _, inputs = _inputs()

    def create(item):
        record = records.create(
            sandbox(),
            g.portal,
            object_type,
            item.get("properties") or {},
            item.get("associations") or [],
            g.source,
        )
        return records.public(g.portal, object_type, record, list(record.properties))

    return _batch_answer(*_each(inputs, create), 201, started)


@routes("/batch/update", methods=["POST"])
@api(writing)
def batch_update(version: str, object_type: str):
    object_type = kind(object_type)
    started = sandbox().clock.now()
    _, inputs = _inputs()

    def update(item):
        record = records.get(g.portal, object_type, str(item.get("id")), item.get("idProperty"))
        records.update(
            sandbox(), g.portal, object_type, record, item.get("properties") or {}, g.source
        )
        return records.public(g.portal, object_type, record, list(record.properties))

    return _batch_answer(*_each(inputs, update), 200, started)


@routes("/batch/upsert", methods=["POST"])
@api(writing)
def batch_upsert(version: str, object_type: str):
    """Create or update by a unique property; each result says whether it is `new`."""
    object_type = kind(object_type)
    started = sandbox().clock.now()
    _, inputs = _inputs()

    def upsert(item):
        id_property = item.get("idProperty") or "hs_object_id"
        values = dict(item.get("properties") or {})
        record = records.find(g.portal, object_type, str(item.get("id")), id_property)
        if record is None:
            if id_property == "hs_object_id":
                raise records.not_found(f"No {object_type} with id {item.get('id')}")
            values.setdefault(id_property, str(item.get("id")))
            record = records.create(sandbox(), g.portal, object_type, values, (), g.source)
            new = True
        else:
            records.update(sandbox(), g.portal, object_type, record, values, g.source)
            new = False
        return dict(records.public(g.portal, object_type, record, list(record.properties)), new=new)

    return _batch_answer(*_each(inputs, upsert), 200, started)


@routes("/batch/archive", methods=["POST"])
@api(writing)
def batch_archive(version: str, object_type: str):
    object_type = kind(object_type)
    _, inputs = _inputs()
    for item in inputs:
        record = records.find(g.portal, object_type, str((item or {}).get("id")))
        if record is not None:
            records.archive(sandbox(), g.portal, object_type, record, g.source)
    return "", 204
