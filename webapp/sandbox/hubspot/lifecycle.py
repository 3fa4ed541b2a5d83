"""A record's life beyond create and update: merging two, restoring one, a GDPR deletion.

Merging keeps the primary's values and fills its gaps from the other record; reads of either
old id then answer the survivor, and `object.merge` carries primaryObjectId,
mergedObjectIds, newObjectId and numberOfPropertiesMoved (webhooks guide; changelog "New
subscription types for Webhooks"). Whether a merge makes a new record id is thin on record:
a third party says it does; the `merge_creates_new_id` setting (default on) chooses.
Restoring brings an archived record back within HubSpot's 90 days (`object.restore`). A GDPR
delete removes a contact for good and fires `contact.privacyDeletion` and the deletion event
(the 2026-03 contacts spec's gdpr-delete; fidelity-findings B9).
"""

from __future__ import annotations

from . import catalogue, computed, index, records, schema, uniques
from .errors import invalid, not_found
from .state import Portal, Record, iso
from .subscriptions import Change

RETENTION = 90 * 86400  # archived records can be restored for 90 days


def merge(
    sandbox, portal: Portal, object_type: str, primary_id: str, other_id: str, source: tuple
) -> Record:
    """Merge `other_id` into `primary_id`; return the record that remains."""
    if object_type not in schema.MERGEABLE:
        raise invalid(f"Records of type {object_type} cannot be merged")
    primary = records.find(portal, object_type, str(primary_id))
    other = records.find(portal, object_type, str(other_id))
    if primary is None or other is None:
        raise not_found("Object not found.  objectId are usually numeric.")
    if primary.id == other.id:
        raise invalid("A record cannot be merged with itself")
    now = sandbox.clock.now()
    fixed = set(schema.system_names(object_type)) | {"hs_merged_object_ids"}
    fixed |= set(computed.LINE_ITEM + computed.DEAL)
    moved = [
        n
        for n, v in other.properties.items()
        if n not in fixed and v and not primary.properties.get(n)
    ]
    values = {n: v for n, v in other.properties.items() if n not in fixed}
    values.update({n: v for n, v in primary.properties.items() if n not in fixed and v})
    earlier = [
        i
        for r in (primary, other)
        for i in (r.properties.get("hs_merged_object_ids") or "").split(";")
        if i
    ]
    if sandbox.settings["merge_creates_new_id"]:
        survivor = Record(sandbox.state.next_id(), {}, min(primary.created, other.created), now)
        portal.records[object_type][survivor.id] = survivor
        gone = [primary, other]
    else:
        survivor, gone = primary, [other]
    merged_ids = earlier + [r.id for r in gone]
    survivor.properties = dict(values)
    survivor.properties.update(computed.derived(sandbox, portal, object_type, values))
    survivor.properties = {k: v for k, v in survivor.properties.items() if v != ""}
    survivor.properties.update(
        {
            "hs_object_id": survivor.id,
            "createdate": iso(survivor.created),
            catalogue.modified_name(object_type): iso(now),
            "hs_merged_object_ids": ";".join(merged_ids),
        }
    )
    survivor.updated = now
    for name in {*primary.history, *other.history}:
        entries = primary.history.get(name, []) + other.history.get(name, [])
        survivor.history[name] = sorted(entries, key=lambda e: e["timestamp"], reverse=True)
    for record in gone:
        record.merged_into = survivor.id
        index.stage(sandbox, record)
    _move_associations(portal, object_type, {r.id for r in gone}, survivor.id)
    uniques.remember(portal, object_type, survivor)
    index.stage(sandbox, survivor)
    extra = {
        "primaryObjectId": int(primary.id),
        "mergedObjectIds": [int(other.id)],
        "numberOfPropertiesMoved": len(moved),
    }
    if survivor is not primary:
        extra["newObjectId"] = int(survivor.id)
    sandbox.webhooks.record(
        Change(portal.id, object_type, survivor.id, "merge", source, now, extra=extra)
    )
    return survivor


def _move_associations(portal: Portal, object_type: str, old_ids: set, new_id: str) -> None:
    moved: dict = {}
    for (from_type, from_id, to_type), targets in portal.associations.items():
        if from_type == object_type and from_id in old_ids:
            from_id = new_id
        for to_id, types in targets.items():
            if to_type == object_type and to_id in old_ids:
                to_id = new_id
            if (from_type, from_id) == (to_type, to_id):
                continue
            moved.setdefault((from_type, from_id, to_type), {}).setdefault(to_id, set()).update(
                types
            )
    portal.associations = moved


def restore(sandbox, portal: Portal, object_type: str, object_id: str, source: tuple) -> Record:
    """Bring an archived record back, as a user does from the recycle bin."""
    record = portal.records[object_type].get(str(object_id))
    now = sandbox.clock.now()
    if (
        record is None
        or record.merged_into
        or not record.archived
        or now - record.archived_at > RETENTION
    ):
        raise not_found(f"No archived {object_type} with id {object_id} can be restored")
    records.check_unique(portal, object_type, record.properties, record.id)
    record.archived_at = None
    record.updated = now
    index.stage(sandbox, record)
    sandbox.webhooks.record(Change(portal.id, object_type, record.id, "restore", source, now))
    return record


def gdpr_delete(sandbox, portal: Portal, key: str, id_property: str | None, source: tuple) -> None:
    """Delete a contact permanently; an e-mail that finds none is blocked from now on."""
    by_email = id_property == "email"
    if id_property not in (None, "", "hs_object_id", "email"):
        raise invalid(f"idProperty must be email (or left out), not {id_property!r}")
    contacts = portal.records["contacts"]
    if by_email:
        record = next(
            (
                r
                for r in contacts.values()
                if not r.merged_into and r.properties.get("email", "").lower() == key.lower()
            ),
            None,
        )
    else:
        record = records.survivor(portal, "contacts", contacts.get(str(key)))
    if record is None:
        if by_email:
            portal.blocked_emails.add(key.lower())
            return
        raise not_found("Object not found.  objectId are usually numeric.")
    del contacts[record.id]
    for to_type in schema.OBJECT_TYPES:
        for to_id in portal.associations.pop(("contacts", record.id, to_type), {}):
            portal.associations.get((to_type, to_id, "contacts"), {}).pop(record.id, None)
    now = sandbox.clock.now()
    for kind in ("privacyDeletion", "deletion"):
        sandbox.webhooks.record(Change(portal.id, "contacts", record.id, kind, source, now))
