"""CRM record operations shared by the API and the control API (which acts as a UI user)."""

from __future__ import annotations

from datetime import datetime, timezone

from . import links, schema
from .errors import ApiFailure, invalid, not_found
from .pipelines_data import STAGE_IDS
from .state import Portal, Record, iso
from .subscriptions import Change


def property_defs(portal: Portal, object_type: str) -> dict:
    """Return every property of a type (built-in, system and custom) by name."""
    defs = {}
    for name, kind, field_type in schema.BUILTIN_PROPERTIES[object_type]:
        defs[name] = {
            "name": name,
            "label": name.replace("_", " ").title(),
            "type": kind,
            "fieldType": field_type,
            "groupName": f"{schema.OBJECT_TYPES[object_type][1]}information",
            "hasUniqueValue": name in schema.IMPLICIT_UNIQUE.get(object_type, ()),
        }
    for name in schema.SYSTEM_PROPERTIES:
        kind = "string" if name == "hs_object_id" else "datetime"
        defs[name] = {
            "name": name,
            "label": name,
            "type": kind,
            "fieldType": "text",
            "groupName": f"{schema.OBJECT_TYPES[object_type][1]}information",
            "hasUniqueValue": name == "hs_object_id",
            "readOnly": True,
        }
    defs.update(portal.custom_properties[object_type])
    return defs


def _string(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _datetime(value: str) -> str | None:
    if value.isdigit():
        return iso(int(value) / 1000)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return iso(parsed.timestamp())


def clean_properties(portal: Portal, object_type: str, values: dict) -> dict:
    """Validate written values against the schema and return them as strings."""
    if not isinstance(values, dict):
        raise invalid("Invalid input JSON: properties must be an object")
    defs = property_defs(portal, object_type)
    problems, cleaned = [], {}
    for name, raw in values.items():
        definition = defs.get(name)
        value = _string(raw)
        if definition is None:
            problems.append((name, f'Property "{name}" does not exist', "PROPERTY_DOESNT_EXIST"))
        elif name in schema.READ_ONLY:
            problems.append(
                (
                    name,
                    f'"{name}" is a read only property; its value cannot be set.',
                    "READ_ONLY_VALUE",
                )
            )
        elif value and definition["type"] == "number" and not _is_number(value):
            problems.append((name, f"{value} was not a valid number.", "INVALID_FLOAT"))
        elif value and definition["type"] == "datetime":
            normal = _datetime(value)
            if normal is None:
                problems.append((name, f"{value} was not a valid date-time.", "INVALID_DATE"))
            cleaned[name] = normal or value
            continue
        elif name == "dealstage" and value and value not in STAGE_IDS:
            problems.append(
                (
                    name,
                    f"{value} was not one of the allowed options: {sorted(STAGE_IDS)}",
                    "INVALID_OPTION",
                )
            )
        elif name == "pipeline" and value and value != "default":
            problems.append(
                (name, f"{value} was not one of the allowed options: ['default']", "INVALID_OPTION")
            )
        cleaned[name] = value
    if problems:
        raise invalid(
            "Property values were not valid: " + "; ".join(m for _, m, _ in problems),
            errors=[
                {"message": m, "code": c, "context": {"propertyName": [n]}} for n, m, c in problems
            ],
        )
    return cleaned


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def unique_names(portal: Portal, object_type: str) -> set:
    return {n for n, d in property_defs(portal, object_type).items() if d.get("hasUniqueValue")}


def _check_unique(portal: Portal, object_type: str, values: dict, own_id: str | None) -> None:
    for name in unique_names(portal, object_type) & set(values):
        if not values[name]:
            continue
        for other in live(portal, object_type):
            if (
                other.id != own_id
                and other.properties.get(name, "").lower() == values[name].lower()
            ):
                raise ApiFailure(
                    409,
                    f"A {schema.OBJECT_TYPES[object_type][1]} with {name} "
                    f"{values[name]!r} already exists. Existing ID: {other.id}",
                    "CONFLICT",
                    context={"existingId": [other.id], "propertyName": [name]},
                )


def live(portal: Portal, object_type: str) -> list[Record]:
    """Return the type's non-archived records, oldest first."""
    return [r for r in portal.records[object_type].values() if not r.archived]


def find(
    portal: Portal, object_type: str, key: str, id_property: str | None = None
) -> Record | None:
    """Look a record up by id, or by the value of a unique property."""
    if not id_property or id_property == "hs_object_id":
        record = portal.records[object_type].get(str(key))
        return record if record and not record.archived else None
    if id_property not in unique_names(portal, object_type):
        raise invalid(f"{id_property} is not a unique property of {object_type}")
    for record in live(portal, object_type):
        if record.properties.get(id_property, "").lower() == str(key).lower():
            return record
    return None


def get(portal: Portal, object_type: str, key: str, id_property: str | None = None) -> Record:
    record = find(portal, object_type, key, id_property)
    if record is None:
        raise not_found("Object not found.  objectId are usually numeric.")
    return record


def create(
    sandbox,
    portal: Portal,
    object_type: str,
    values: dict,
    associations=(),
    source: tuple = ("INTEGRATION", ""),
) -> Record:
    """Create a record (with its associations) and announce it to webhook subscribers."""
    cleaned = clean_properties(portal, object_type, values)
    _check_unique(portal, object_type, cleaned, None)
    wanted = [links.parse(portal, object_type, a, find) for a in associations or []]
    if object_type == "deals" and cleaned.get("dealstage") and not cleaned.get("pipeline"):
        cleaned["pipeline"] = "default"
    if object_type == "line_items":
        _fill_from_product(portal, cleaned)
    now = sandbox.clock.now()
    record = Record(sandbox.state.next_id(), {}, now, now)
    record.properties.update({k: v for k, v in cleaned.items() if v != ""})
    record.properties.update(
        hs_object_id=record.id, createdate=iso(now), hs_lastmodifieddate=iso(now)
    )
    portal.records[object_type][record.id] = record
    sandbox.webhooks.record(Change(portal.id, object_type, record.id, "creation", source, now))
    for name, value in cleaned.items():
        sandbox.webhooks.record(
            Change(portal.id, object_type, record.id, "propertyChange", source, now, name, value)
        )
    for to_type, to_id, type_id in wanted:
        associate(
            sandbox,
            portal,
            object_type,
            record.id,
            to_type,
            to_id,
            "HUBSPOT_DEFINED",
            type_id,
            source,
        )
    return record


def update(
    sandbox,
    portal: Portal,
    object_type: str,
    record: Record,
    values: dict,
    source: tuple = ("INTEGRATION", ""),
) -> Record:
    """Change some properties and announce each change that really changed something."""
    cleaned = clean_properties(portal, object_type, values)
    _check_unique(portal, object_type, cleaned, record.id)
    now = sandbox.clock.now()
    changed = {k: v for k, v in cleaned.items() if record.properties.get(k, "") != v}
    for name, value in changed.items():
        if value == "":
            record.properties.pop(name, None)
        else:
            record.properties[name] = value
    if changed:
        record.updated = now
        record.properties["hs_lastmodifieddate"] = iso(now)
    for name, value in changed.items():
        sandbox.webhooks.record(
            Change(portal.id, object_type, record.id, "propertyChange", source, now, name, value)
        )
    return record


def archive(
    sandbox, portal: Portal, object_type: str, record: Record, source: tuple = ("INTEGRATION", "")
) -> None:
    """Archive (soft-delete) a record, as DELETE does; HubSpot keeps it 90 days."""
    now = sandbox.clock.now()
    record.archived_at = now
    record.updated = now
    sandbox.webhooks.record(Change(portal.id, object_type, record.id, "deletion", source, now))


def _fill_from_product(portal: Portal, values: dict) -> None:
    product = portal.records["products"].get(values.get("hs_product_id", ""))
    if values.get("hs_product_id") and (product is None or product.archived):
        raise invalid(
            f"Product {values['hs_product_id']} does not exist",
            errors=[
                {
                    "message": "hs_product_id refers to no product",
                    "code": "INVALID_OBJECT_ID",
                    "context": {"propertyName": ["hs_product_id"]},
                }
            ],
        )
    if product:
        for name in ("name", "price", "hs_sku", "description"):
            if name in product.properties and not values.get(name):
                values[name] = product.properties[name]
    if _is_number(values.get("quantity", "x")) and _is_number(values.get("price", "x")):
        values["amount"] = _string(float(values["quantity"]) * float(values["price"]))


def associate(
    sandbox,
    portal: Portal,
    from_type: str,
    from_id: str,
    to_type: str,
    to_id: str,
    category: str,
    type_id: int,
    source: tuple = ("INTEGRATION", ""),
) -> None:
    """Associate two records and announce what is new to webhook subscribers."""
    added = links.link(portal, from_type, from_id, to_type, to_id, category, type_id)
    links.announce(sandbox, portal, from_type, from_id, to_type, to_id, added, False, source)


def dissociate(
    sandbox,
    portal: Portal,
    from_type: str,
    from_id: str,
    to_type: str,
    to_id: str,
    source: tuple = ("INTEGRATION", ""),
) -> None:
    """Remove every association between two records and announce it."""
    removed = links.unlink(portal, from_type, from_id, to_type, to_id)
    links.announce(sandbox, portal, from_type, from_id, to_type, to_id, removed, True, source)


def linked(portal: Portal, from_type: str, from_id: str, to_type: str) -> dict:
    """Return {toId: {(category, typeId), ...}} for live records of to_type."""
    return links.linked(portal, from_type, from_id, to_type, find)


def public(portal: Portal, object_type: str, record: Record, names=None, associations=()) -> dict:
    """Return a record as SimplePublicObject; unset requested properties come back null."""
    names = list(names or schema.DEFAULT_PROPERTIES[object_type]) + schema.SYSTEM_PROPERTIES
    body = {
        "id": record.id,
        "properties": {n: record.properties.get(n) for n in dict.fromkeys(names)},
        "createdAt": iso(record.created),
        "updatedAt": iso(record.updated),
        "archived": record.archived,
    }
    if record.archived:
        body["archivedAt"] = iso(record.archived_at)
    found = {}
    for to_type in associations:
        to_type = schema.canonical_type(to_type)
        if not to_type:
            continue
        results = [
            {"id": to_id, "type": schema.association_name(type_id)}
            for to_id, types in linked(portal, object_type, record.id, to_type).items()
            for _, type_id in sorted(types)
            if type_id in schema.ASSOCIATION_TYPES
        ]
        if results:
            found[to_type] = {"results": results}
    if found:
        body["associations"] = found
    return body
