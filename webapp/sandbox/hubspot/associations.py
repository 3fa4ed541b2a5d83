"""Associations (v4 semantics on the 2026-03 paths): default and typed links, batch create/read."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from . import records, schema
from .batches import _batch_answer, _inputs
from .errors import ApiFailure, invalid
from .gateway import api, json_body, sandbox
from .objects import kind

bp = Blueprint("hubspot_associations", __name__)
V = 'any("2026-03", "2026-09"):version'
ONE = f"/crm/objects/<{V}>/<object_type>/<object_id>/associations"
BATCH = f"/crm/associations/<{V}>/<object_type>/<to_type>/batch"


def reading(object_type: str, **_) -> list:
    return schema.read_scopes(kind(object_type))


def writing(object_type: str, **_) -> list:
    return schema.write_scopes(kind(object_type))


def _pair(from_type: str, from_id: str, to_type: str, to_id: str) -> tuple[str, str]:
    from_type, to_type = kind(from_type), kind(to_type)
    for t, i in ((from_type, from_id), (to_type, to_id)):
        if records.find(g.portal, t, i) is None:
            raise ApiFailure(404, f"No {t} with id {i} exists", "OBJECT_NOT_FOUND")
    return from_type, to_type


def _default_type(from_type: str, to_type: str) -> int:
    type_id = schema.default_association(from_type, to_type)
    if type_id is None:
        raise invalid(f"No default association exists from {from_type} to {to_type}")
    return type_id


def _labelled(from_type: str, from_id: str, to_type: str, to_id: str) -> dict:
    types = g.portal.associations.get((from_type, from_id, to_type), {}).get(to_id, set())
    labels = sorted(
        {
            schema.ASSOCIATION_TYPES[t][2]
            for _, t in types
            if t in schema.ASSOCIATION_TYPES and schema.ASSOCIATION_TYPES[t][2]
        }
    )
    return {
        "fromObjectTypeId": schema.type_id(from_type),
        "fromObjectId": from_id,
        "toObjectTypeId": schema.type_id(to_type),
        "toObjectId": to_id,
        "labels": labels,
    }


def _specs(from_type: str, to_type: str, specs) -> list[tuple[str, int]]:
    if not isinstance(specs, list) or not specs:
        raise invalid("Give at least one {associationCategory, associationTypeId}")
    parsed = []
    for spec in specs:
        category, type_id = spec.get("associationCategory"), spec.get("associationTypeId")
        known = schema.ASSOCIATION_TYPES.get(type_id)
        if category == "HUBSPOT_DEFINED" and (not known or known[:2] != (from_type, to_type)):
            raise invalid(
                f"{type_id} is not a valid association type from {from_type} to {to_type}"
            )
        if category not in ("HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"):
            raise invalid(f"Unknown associationCategory {category!r}")
        parsed.append((category, int(type_id)))
    return parsed


@bp.put(f"{ONE}/default/<to_type>/<to_id>")
@api(writing)
def associate_default(version, object_type, object_id, to_type, to_id):
    started = sandbox().clock.now()
    from_type, to_type = _pair(object_type, object_id, to_type, to_id)
    type_id = _default_type(from_type, to_type)
    records.associate(
        sandbox(),
        g.portal,
        from_type,
        object_id,
        to_type,
        to_id,
        "HUBSPOT_DEFINED",
        type_id,
        g.source,
    )
    result = {
        "from": {"id": object_id},
        "to": {"id": to_id},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id},
    }
    return _batch_answer([result], [], 200, started)


@bp.put(f"{ONE}/<to_type>/<to_id>")
@api(writing)
def associate(version, object_type, object_id, to_type, to_id):
    from_type, to_type = _pair(object_type, object_id, to_type, to_id)
    for category, type_id in _specs(from_type, to_type, json_body()):
        records.associate(
            sandbox(), g.portal, from_type, object_id, to_type, to_id, category, type_id, g.source
        )
    return jsonify(_labelled(from_type, object_id, to_type, to_id)), 201


@bp.delete(f"{ONE}/<to_type>/<to_id>")
@api(writing)
def remove(version, object_type, object_id, to_type, to_id):
    records.dissociate(
        sandbox(), g.portal, kind(object_type), object_id, kind(to_type), to_id, g.source
    )
    return "", 204


def _targets(from_type: str, from_id: str, to_type: str) -> list[dict]:
    found = records.linked(g.portal, from_type, from_id, to_type)
    return [
        {"toObjectId": to_id, "associationTypes": [_spec(c, t) for c, t in sorted(types)]}
        for to_id, types in sorted(found.items(), key=lambda kv: int(kv[0]))
    ]


def _spec(category: str, type_id: int) -> dict:
    """Describe one association type; unlabelled ones carry no label (the spec has no null)."""
    label = schema.ASSOCIATION_TYPES.get(type_id, (0, 0, None))[2]
    return {"category": category, "typeId": type_id, **({"label": label} if label else {})}


@bp.get(f"{ONE}/<to_type>")
@api(reading)
def list_associations(version, object_type, object_id, to_type):
    from_type, to_type = kind(object_type), kind(to_type)
    if records.find(g.portal, from_type, object_id) is None:
        raise ApiFailure(404, f"No {from_type} with id {object_id} exists", "OBJECT_NOT_FOUND")
    rows = _targets(from_type, object_id, to_type)
    limit = int(request.args.get("limit", 500))
    offset = int(request.args.get("after") or 0)
    body = {"results": rows[offset : offset + limit]}
    if offset + limit < len(rows):
        body["paging"] = {"next": {"after": str(offset + limit)}}
    return jsonify(body)


@bp.post(f"{BATCH}/create")
@api(writing)
def batch_create(version, object_type, to_type):
    started = sandbox().clock.now()
    from_type, to_type = kind(object_type), kind(to_type)
    results, errors = [], []
    for item in _inputs()[1]:
        try:
            from_id, to_id = str(item["from"]["id"]), str(item["to"]["id"])
            _pair(from_type, from_id, to_type, to_id)
            for category, type_id in _specs(from_type, to_type, item.get("types")):
                records.associate(
                    sandbox(),
                    g.portal,
                    from_type,
                    from_id,
                    to_type,
                    to_id,
                    category,
                    type_id,
                    g.source,
                )
            results.append(_labelled(from_type, from_id, to_type, to_id))
        except ApiFailure as failure:
            errors.append(failure.item())
        except (KeyError, TypeError):
            errors.append(invalid("Each input needs from.id, to.id and types").item())
    return _batch_answer(results, errors, 201, started)


@bp.post(f"{BATCH}/associate/default")
@api(writing)
def batch_default(version, object_type, to_type):
    started = sandbox().clock.now()
    from_type, to_type = kind(object_type), kind(to_type)
    type_id = _default_type(from_type, to_type)
    results, errors = [], []
    for item in _inputs()[1]:
        try:
            from_id, to_id = str(item["from"]["id"]), str(item["to"]["id"])
            _pair(from_type, from_id, to_type, to_id)
        except ApiFailure as failure:
            errors.append(failure.item())
            continue
        records.associate(
            sandbox(),
            g.portal,
            from_type,
            from_id,
            to_type,
            to_id,
            "HUBSPOT_DEFINED",
            type_id,
            g.source,
        )
        results.append(
            {
                "from": {"id": from_id},
                "to": {"id": to_id},
                "associationSpec": {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": type_id,
                },
            }
        )
    return _batch_answer(results, errors, 200, started)


@bp.post(f"{BATCH}/read")
@api(reading)
def batch_read(version, object_type, to_type):
    started = sandbox().clock.now()
    from_type, to_type = kind(object_type), kind(to_type)
    results, missing = [], []
    for item in _inputs()[1]:
        from_id = str((item or {}).get("id"))
        if records.find(g.portal, from_type, from_id) is None:
            missing.append(from_id)
            continue
        results.append({"from": {"id": from_id}, "to": _targets(from_type, from_id, to_type)})
    errors = (
        [
            ApiFailure(
                404,
                f"No {from_type} exists with these ids",
                "OBJECT_NOT_FOUND",
                context={"ids": missing},
            ).item()
        ]
        if missing
        else []
    )
    return _batch_answer(results, errors, 200, started)


@bp.post(f"{BATCH}/archive")
@api(writing)
def batch_archive(version, object_type, to_type):
    from_type, to_type = kind(object_type), kind(to_type)
    for item in _inputs()[1]:
        for target in item.get("to") or []:
            records.dissociate(
                sandbox(),
                g.portal,
                from_type,
                str(item["from"]["id"]),
                to_type,
                str(target["id"]),
                g.source,
            )
    return "", 204
