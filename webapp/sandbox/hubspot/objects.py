"""CRM objects API: create, read, update, archive, list, merge and GDPR delete (batches are
in batches.py)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from . import lifecycle, records, schema
from .errors import invalid
from .gateway import api, json_body, sandbox

bp = Blueprint("hubspot_objects", __name__)
BATCH_LIMIT = 100
LIST_LIMIT = 100  # max `limit` for list; UNCONFIRMED in the brief, 100 as for batches
V = 'any("2026-03", "2026-09"):version'
# The types whose specs have /merge (contacts, companies, deals), by name or type id.
MERGEABLE = 'any("contacts", "companies", "deals", "0-1", "0-2", "0-3")'


def routes(path: str, blueprint: Blueprint = bp, **options):
    """Serve a path on both the date-versioned and the legacy v3 prefix."""

    def decorate(view):
        blueprint.add_url_rule(f"/crm/objects/<{V}>/<object_type>{path}", view_func=view, **options)
        blueprint.add_url_rule(
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


def csv_items(value) -> list[str]:
    """Read a body's property list, sent as a list (or, leniently, one CSV string)."""
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    return [str(v) for v in value or [] if v]


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
        (
            r
            for r in g.portal.records[object_type].values()
            if r.archived == archived and not r.merged_into
        ),
        key=lambda r: int(r.id),
    )
    after = request.args.get("after")
    if after:
        rows = [r for r in rows if int(r.id) >= int(after)] if after.isdigit() else []
    page, rest = rows[:limit], rows[limit:]
    body = {
        "results": [
            records.public(
                g.portal,
                object_type,
                r,
                csv_arg("properties"),
                csv_arg("associations"),
                csv_arg("propertiesWithHistory"),
            )
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
            g.portal,
            object_type,
            record,
            csv_arg("properties"),
            csv_arg("associations"),
            csv_arg("propertiesWithHistory"),
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


@bp.post(f"/crm/objects/<{V}>/<{MERGEABLE}:object_type>/merge")
@bp.post(
    f"/crm/v3/objects/<{MERGEABLE}:object_type>/merge",
    defaults={"version": "v3"},
    endpoint="merge_v3",
)
@api(writing)
def merge(version: str, object_type: str):
    """Merge objectIdToMerge into primaryObjectId; answer the record that remains."""
    object_type = kind(object_type)
    body = json_body()
    if (
        not isinstance(body, dict)
        or not body.get("primaryObjectId")
        or not body.get("objectIdToMerge")
    ):
        raise invalid("Give primaryObjectId and objectIdToMerge")
    record = lifecycle.merge(
        sandbox(),
        g.portal,
        object_type,
        str(body["primaryObjectId"]),
        str(body["objectIdToMerge"]),
        g.source,
    )
    return jsonify(records.public(g.portal, object_type, record, list(record.properties)))


@bp.post(f"/crm/objects/<{V}>/contacts/gdpr-delete")
@bp.post("/crm/v3/objects/contacts/gdpr-delete", defaults={"version": "v3"}, endpoint="gdpr_v3")
@api(schema.write_scopes("contacts"))
def gdpr_delete(version: str):
    """Delete a contact permanently (by id, or by email with idProperty=email)."""
    body = json_body()
    if not isinstance(body, dict) or not body.get("objectId"):
        raise invalid("Give the objectId of the contact to delete")
    lifecycle.gdpr_delete(
        sandbox(), g.portal, str(body["objectId"]), body.get("idProperty"), g.source
    )
    return "", 204
