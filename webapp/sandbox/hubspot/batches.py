"""The objects API's batch endpoints: read, create, update, upsert and archive, 100 at most.

Batch create is all or nothing: one invalid input fails the whole request and nothing is
written, unless every input carries a unique objectWriteTraceId; then it answers 207, with the
valid inputs created and each failure naming its trace id ("For the object APIs' batch create
endpoints, you can enable multi status responses that include partial failures ... include a
unique objectWriteTraceId value for each input": https://developers.hubspot.com/docs/
api-reference/latest/error-handling; fidelity-findings B2). Update, upsert and read answer
each input on its own (207 for the failures).
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from . import records
from .errors import ApiFailure, invalid
from .gateway import api, json_body, sandbox
from .objects import csv_items, kind, reading, routes, writing
from .state import iso

bp = Blueprint("hubspot_batches", __name__)
BATCH_LIMIT = 100


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


def _traced(failure: ApiFailure, item) -> dict:
    error = failure.item()
    if isinstance(item, dict) and item.get("objectWriteTraceId"):
        error["context"] = dict(error["context"], objectWriteTraceId=[item["objectWriteTraceId"]])
    return error


@routes("/batch/read", bp, methods=["POST"])
@api(reading)
def batch_read(version: str, object_type: str):
    object_type = kind(object_type)
    started = sandbox().clock.now()
    body, inputs = _inputs()
    found, missing = [], []
    for item in inputs:
        item = item if isinstance(item, dict) else {}
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
    results = [
        records.public(
            g.portal,
            object_type,
            r,
            csv_items(body.get("properties")),
            history=csv_items(body.get("propertiesWithHistory")),
        )
        for r in found
    ]
    return _batch_answer(results, errors, 200, started)


@routes("/batch/create", bp, methods=["POST"])
@api(writing)
def batch_create(version: str, object_type: str):
    """Create every input, or none unless every input has its own objectWriteTraceId."""
    object_type = kind(object_type)
    sb = sandbox()
    started = sb.clock.now()
    _, inputs = _inputs()
    traces = [i.get("objectWriteTraceId") if isinstance(i, dict) else None for i in inputs]
    traced = bool(traces) and all(traces) and len(set(map(str, traces))) == len(traces)
    plans, errors, reserved = [], [], set()
    for item in inputs:
        item = item if isinstance(item, dict) else {}
        try:
            plan = records.prepare_create(
                sb,
                g.portal,
                object_type,
                item.get("properties") or {},
                item.get("associations") or [],
                reserved,
            )
        except ApiFailure as failure:
            if not traced:
                raise  # the whole batch fails, and nothing was written
            errors.append(_traced(failure, item))
            continue
        plans.append((item, plan))
    results = []
    for item, plan in plans:
        record = records.commit_create(sb, g.portal, object_type, plan, g.source)
        result = records.public(g.portal, object_type, record, list(record.properties))
        if item.get("objectWriteTraceId"):
            result["objectWriteTraceId"] = str(item["objectWriteTraceId"])
        results.append(result)
    return _batch_answer(results, errors, 201, started)


def _each(inputs: list, action) -> tuple[list, list]:
    """Run action per input; collect results and per-input StandardErrors (207)."""
    results, errors = [], []
    for item in inputs:
        try:
            results.append(action(item if isinstance(item, dict) else {}))
        except ApiFailure as failure:
            errors.append(_traced(failure, item))
    return results, errors


@routes("/batch/update", bp, methods=["POST"])
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


@routes("/batch/upsert", bp, methods=["POST"])
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


@routes("/batch/archive", bp, methods=["POST"])
@api(writing)
def batch_archive(version: str, object_type: str):
    object_type = kind(object_type)
    _, inputs = _inputs()
    for item in inputs:
        record = records.find(g.portal, object_type, str((item or {}).get("id")))
        if record is not None:
            records.archive(sandbox(), g.portal, object_type, record, g.source)
    return "", 204
