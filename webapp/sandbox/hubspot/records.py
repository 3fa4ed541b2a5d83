"""CRM record operations shared by the API and the control API (which acts as a UI user).

Every write validates first and changes nothing when refused; then it stores the values,
their history (propertiesWithHistory), what HubSpot computes from them, queues the new state
for the search index (which takes it in after a delay) and announces it to webhooks.
"""

from __future__ import annotations

import re

from . import catalogue, computed, index, links, schema, uniques, validation
from .errors import ApiFailure, invalid, not_found
from .state import Portal, Record, iso
from .subscriptions import Change

property_defs = validation.property_defs
unique_names = validation.unique_names
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")


def live(portal: Portal, object_type: str) -> list[Record]:
    """Return the type's records that are neither archived nor merged away, oldest first."""
    return [r for r in portal.records[object_type].values() if r.live]


def survivor(portal: Portal, object_type: str, record: Record | None) -> Record | None:
    """Follow a merged-away record to the record it was merged into."""
    seen = 0
    while record is not None and record.merged_into and seen < 100:
        record, seen = portal.records[object_type].get(record.merged_into), seen + 1
    return record


def find(
    portal: Portal, object_type: str, key: str, id_property: str | None = None
) -> Record | None:
    """Look a live record up by id (a merged-away id finds its survivor) or unique value."""
    if not id_property or id_property == "hs_object_id":
        record = survivor(portal, object_type, portal.records[object_type].get(str(key)))
        return record if record and record.live else None
    if id_property not in unique_names(portal, object_type):
        raise invalid(f"{id_property} is not a unique property of {object_type}")
    found = uniques.holders(portal, object_type, id_property, str(key))
    return found[0] if found else None


def get(portal: Portal, object_type: str, key: str, id_property: str | None = None) -> Record:
    record = find(portal, object_type, key, id_property)
    if record is None:
        raise not_found("Object not found.  objectId are usually numeric.")
    return record


def conflict(portal: Portal, object_type: str, name: str, value: str, other: Record):
    """HubSpot's 409 for a taken unique value; clients parse the id out of the message."""
    if object_type == "contacts" and name == "email":
        message = f"Contact already exists. Existing ID: {other.id}"
    else:
        singular = schema.OBJECT_TYPES[object_type][1]
        message = f"A {singular} with {name} {value!r} already exists. Existing ID: {other.id}"
    return ApiFailure(409, message, "CONFLICT")


def check_unique(
    portal: Portal, object_type: str, values: dict, own_id: str | None, reserved=None
) -> None:
    """Refuse values a unique property already holds (409), or twice in one batch (400)."""
    for name in (unique_names(portal, object_type) - {"hs_object_id"}) & set(values):
        value = values[name].lower()
        if not value:
            continue
        for other in uniques.holders(portal, object_type, name, value):
            if other.id != own_id:
                raise conflict(portal, object_type, name, values[name], other)
        if reserved is not None:
            if (name, value) in reserved:
                raise invalid(f"Duplicate {name} {values[name]!r} in the batch input")
            reserved.add((name, value))


def _check_contact(portal: Portal, object_type: str, values: dict) -> None:
    email = values.get("email", "")
    if object_type != "contacts" or not email:
        return
    if not _EMAIL.match(email):
        raise validation.refusal([("email", f"Email address {email} is invalid", "INVALID_EMAIL")])
    if email.lower() in portal.blocked_emails:
        message = f"{email} was permanently deleted for privacy and cannot be used again"
        raise validation.refusal([("email", message, "BLOCKED_EMAIL")])


def _fill_from_product(portal: Portal, values: dict) -> None:
    if not values.get("hs_product_id"):
        return
    product = find(portal, "products", values["hs_product_id"])
    if product is None:
        raise validation.refusal(
            [
                (
                    "hs_product_id",
                    f"Product {values['hs_product_id']} does not exist",
                    "INVALID_OBJECT_ID",
                )
            ]
        )
    for name in ("name", "price", "hs_sku", "description"):
        if name in product.properties and not values.get(name):
            values[name] = product.properties[name]


def prepare_create(
    sandbox, portal: Portal, object_type: str, values, associations=(), reserved=None
) -> dict:
    """Validate a create completely (nothing is stored); return what commit_create needs."""
    cleaned = validation.clean(portal, object_type, values)
    if object_type == "notes" and not cleaned.get("hs_timestamp"):
        raise validation.refusal(
            [("hs_timestamp", "hs_timestamp is required on a note", "REQUIRED_FIELD")]
        )
    if object_type == "deals" and cleaned.get("dealstage") and not cleaned.get("pipeline"):
        cleaned["pipeline"] = "default"
    if object_type == "line_items":
        _fill_from_product(portal, cleaned)
    _check_contact(portal, object_type, cleaned)
    check_unique(portal, object_type, cleaned, None, reserved)
    wanted = [links.parse(portal, object_type, a, find) for a in associations or []]
    links.check_parents(portal, object_type, None, wanted, find)
    cleaned.update(computed.derived(sandbox, portal, object_type, cleaned))
    return {"values": {k: v for k, v in cleaned.items() if v != ""}, "links": wanted}


def commit_create(
    sandbox, portal: Portal, object_type: str, plan: dict, source: tuple = ("INTEGRATION", "")
) -> Record:
    """Store a prepared record with its associations and announce it."""
    now = sandbox.clock.now()
    event = sandbox.webhooks.event_id()
    record = Record(sandbox.state.next_id(), dict(plan["values"]), now, now)
    record.properties.update(
        {
            "hs_object_id": record.id,
            "createdate": iso(now),
            catalogue.modified_name(object_type): iso(now),
        }
    )
    for name, value in plan["values"].items():
        record.history[name] = [history_entry(source, now, value, _calculated(object_type, name))]
    portal.records[object_type][record.id] = record
    uniques.remember(portal, object_type, record)
    index.stage(sandbox, record)
    announce = sandbox.webhooks.record
    announce(Change(portal.id, object_type, record.id, "creation", source, now, event_id=event))
    for name, value in plan["values"].items():
        announce(
            Change(
                portal.id,
                object_type,
                record.id,
                "propertyChange",
                source,
                now,
                name,
                value,
                event_id=event,
            )
        )
    for to_type, to_id, type_id in plan["links"]:
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


def create(
    sandbox,
    portal: Portal,
    object_type: str,
    values: dict,
    associations=(),
    source: tuple = ("INTEGRATION", ""),
) -> Record:
    """Create a record (with its associations) and announce it to webhook subscribers."""
    plan = prepare_create(sandbox, portal, object_type, values, associations)
    return commit_create(sandbox, portal, object_type, plan, source)


def update(
    sandbox,
    portal: Portal,
    object_type: str,
    record: Record,
    values: dict,
    source: tuple = ("INTEGRATION", ""),
) -> Record:
    """Change some properties and announce each change that really changed something."""
    cleaned = validation.clean(portal, object_type, values, current=record.properties)
    merged = {**record.properties, **cleaned}
    if (
        object_type == "deals"
        and source[0] == "CRM_UI"
        and "closedate" not in cleaned
        and computed.closes(portal, record.properties, merged)
    ):
        cleaned["closedate"] = merged["closedate"] = iso(sandbox.clock.now())
    _check_contact(portal, object_type, cleaned)
    check_unique(portal, object_type, cleaned, record.id)
    cleaned.update(computed.derived(sandbox, portal, object_type, merged))
    apply(sandbox, portal, object_type, record, cleaned, source)
    return record


def apply(
    sandbox, portal: Portal, object_type: str, record: Record, values: dict, source: tuple
) -> dict:
    """Store values already judged; record history, index and webhooks; return the changes."""
    now = sandbox.clock.now()
    changed = {k: v for k, v in values.items() if record.properties.get(k, "") != v}
    if not changed:
        return changed
    event = sandbox.webhooks.event_id()
    for name, value in changed.items():
        if value == "":
            record.properties.pop(name, None)
        else:
            record.properties[name] = value
        entry = history_entry(source, now, value, _calculated(object_type, name))
        record.history.setdefault(name, []).insert(0, entry)
    record.updated = now
    record.properties[catalogue.modified_name(object_type)] = iso(now)
    uniques.remember(portal, object_type, record)
    index.stage(sandbox, record)
    for name, value in changed.items():
        sandbox.webhooks.record(
            Change(
                portal.id,
                object_type,
                record.id,
                "propertyChange",
                source,
                now,
                name,
                value,
                event_id=event,
            )
        )
    return changed


def _calculated(object_type: str, name: str) -> bool:
    return name in computed.LINE_ITEM + computed.DEAL and object_type in ("line_items", "deals")


def history_entry(source: tuple, when: float, value: str, calculated: bool = False) -> dict:
    """Return one ValueWithTimestamp of a property's history."""
    kind, source_id = ("CALCULATED", "") if calculated else source
    entry = {"value": value, "timestamp": iso(when), "sourceType": kind}
    if source_id:
        entry["sourceId"] = source_id
    if source_id.startswith("userId:"):
        entry["updatedByUserId"] = int(source_id.removeprefix("userId:"))
    return entry


def archive(
    sandbox, portal: Portal, object_type: str, record: Record, source: tuple = ("INTEGRATION", "")
) -> None:
    """Archive (soft-delete) a record, as DELETE does; HubSpot keeps it 90 days."""
    now = sandbox.clock.now()
    record.archived_at = now
    record.updated = now
    index.stage(sandbox, record)
    sandbox.webhooks.record(Change(portal.id, object_type, record.id, "deletion", source, now))


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
    links.check_parents(portal, from_type, from_id, [(to_type, to_id, type_id)], find)
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


def public(
    portal: Portal,
    object_type: str,
    record: Record,
    names=None,
    associations=(),
    history=(),
    properties: dict | None = None,
) -> dict:
    """Return a record as SimplePublicObject; unset requested properties come back null.

    `properties` replaces the record's own (search answers from its index); `history` names
    the properties whose earlier values come along (propertiesWithHistory).
    """
    values = record.properties if properties is None else properties
    names = list(names or schema.DEFAULT_PROPERTIES[object_type]) + schema.system_names(object_type)
    body = {
        "id": record.id,
        "properties": {n: values.get(n) for n in dict.fromkeys(names)},
        "createdAt": iso(record.created),
        "updatedAt": iso(record.updated),
        "archived": record.archived,
    }
    if record.archived:
        body["archivedAt"] = iso(record.archived_at)
    if history:
        body["propertiesWithHistory"] = {
            n: list(record.history.get(n, [])) for n in dict.fromkeys(history)
        }
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
