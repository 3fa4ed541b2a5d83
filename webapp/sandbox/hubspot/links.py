"""Associations between records: stored both ways, primary implies unlabelled, changes announced."""

from __future__ import annotations

from . import schema
from .errors import invalid
from .state import Portal
from .subscriptions import Change


def parse(portal: Portal, object_type: str, item: dict, find) -> tuple[str, str, int]:
    """Read one `{to: {id}, types: [...]}` of a create call; return (to_type, to_id, typeId)."""
    try:
        to_id = str(item["to"]["id"])
        type_id = int(item["types"][0]["associationTypeId"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise invalid("Invalid association input: expected {to:{id}, types:[...]}") from None
    known = schema.ASSOCIATION_TYPES.get(type_id)
    if known is None or known[0] != object_type:
        raise invalid(f"{type_id} is not a valid association type id for {object_type}")
    to_type = known[1]
    target = find(portal, to_type, to_id)
    if target is None:
        raise invalid(f"No {to_type} with id {to_id} exists to associate with")
    return to_type, target.id, type_id


def _implied(category: str, type_id: int) -> list[tuple[str, int]]:
    """A primary association brings the unlabelled one with it, as in HubSpot [MIR-WEBHOOKS]."""
    types = [(category, type_id)]
    known = schema.ASSOCIATION_TYPES.get(type_id)
    if category == "HUBSPOT_DEFINED" and known and known[2] == "Primary":
        default = schema.default_association(known[0], known[1])
        if default is not None:
            types.insert(0, (category, default))
    return types


def link(
    portal: Portal,
    from_type: str,
    from_id: str,
    to_type: str,
    to_id: str,
    category: str,
    type_id: int,
) -> list[tuple[str, int]]:
    """Associate two records both ways; return the (category, typeId) pairs that are new."""
    added = []
    table = portal.associations
    forward = table.setdefault((from_type, from_id, to_type), {}).setdefault(to_id, set())
    backward = table.setdefault((to_type, to_id, from_type), {}).setdefault(from_id, set())
    for pair in _implied(category, type_id):
        if pair not in forward:
            forward.add(pair)
            inverse = schema.ASSOCIATION_TYPES.get(pair[1], (None, None, None, pair[1]))[3]
            backward.add((pair[0], inverse))
            added.append(pair)
    return added


def unlink(
    portal: Portal, from_type: str, from_id: str, to_type: str, to_id: str
) -> list[tuple[str, int]]:
    """Remove every association between two records; return the pairs that were there."""
    removed = portal.associations.get((from_type, from_id, to_type), {}).pop(to_id, set())
    portal.associations.get((to_type, to_id, from_type), {}).pop(from_id, None)
    return sorted(removed)


def linked(portal: Portal, from_type: str, from_id: str, to_type: str, find) -> dict:
    """Return {toId: {(category, typeId), ...}} for live records of to_type."""
    return {
        to_id: types
        for to_id, types in portal.associations.get((from_type, from_id, to_type), {}).items()
        if types and find(portal, to_type, to_id)
    }


def announce(
    sandbox,
    portal: Portal,
    from_type: str,
    from_id: str,
    to_type: str,
    to_id: str,
    pairs: list[tuple[str, int]],
    removed: bool,
    source: tuple,
) -> None:
    """Send an associationChange for each side of each pair (two events per change)."""
    now = sandbox.clock.now()
    for category, type_id in pairs:
        inverse = schema.ASSOCIATION_TYPES.get(type_id, (None, None, None, type_id))[3]
        label = schema.ASSOCIATION_TYPES.get(type_id, (None, None, None))[2]
        for a_type, a_id, b_type, b_id, tid in (
            (from_type, from_id, to_type, to_id, type_id),
            (to_type, to_id, from_type, from_id, inverse),
        ):
            name = (f"{schema.OBJECT_TYPES[a_type][1]}_TO_{schema.OBJECT_TYPES[b_type][1]}").upper()
            sandbox.webhooks.record(
                Change(
                    portal.id,
                    a_type,
                    a_id,
                    "associationChange",
                    source,
                    now,
                    association={
                        "associationType": name,
                        "fromObjectId": int(a_id),
                        "toObjectId": int(b_id),
                        "associationRemoved": removed,
                        "isPrimaryAssociation": label == "Primary",
                        "associationTypeId": tid,
                        "associationCategory": category,
                        "fromObjectTypeId": schema.type_id(a_type),
                        "toObjectTypeId": schema.type_id(b_type),
                    },
                )
            )


def check_parents(portal: Portal, from_type: str, from_id, wanted: list, find) -> None:
    """Refuse a second deal for a line item: "Line items belong to one single parent object"
    (line items guide; fidelity-findings B4). `from_id` is None for a record being created."""
    if {from_type} - {"line_items", "deals"}:
        return
    new_deals = set()
    for to_type, to_id, _ in wanted:
        if {from_type, to_type} != {"line_items", "deals"}:
            continue
        item, deal = (from_id, str(to_id)) if from_type == "line_items" else (str(to_id), from_id)
        if item is None:
            new_deals.add(deal)
            if len(new_deals) > 1:
                raise invalid("A line item belongs to one deal; give it one deal association")
            continue
        parents = set(linked(portal, "line_items", item, "deals", find)) - {deal}
        if parents:
            raise invalid(
                f"Line item {item} already belongs to deal {sorted(parents)[0]}; a line item "
                "belongs to one deal: remove that association first"
            )
