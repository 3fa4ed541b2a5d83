"""Which records hold a unique property's value, without reading every record.

HubSpot answers a create in a portal of 20,000 contacts as fast as in an empty one; a sandbox
that scanned every contact for a taken e-mail would be what a sync benchmark measures. So each
portal keeps, per object type and property, the ids of the records that were given each value
(lower-cased, as HubSpot compares them). Entries are only ever added: a lookup confirms each
candidate still holds the value and is live, so archiving, merging and restoring need no
bookkeeping. Every write that stores values calls `remember`; an index is built from the
records the first time a property is looked up, so a property made unique later is covered.
"""

from __future__ import annotations

from .state import Portal, Record


def holders(portal: Portal, object_type: str, name: str, value: str) -> list[Record]:
    """The live records whose `name` is `value` (compared case-insensitively), oldest first."""
    wanted = value.lower()
    ids = _index(portal, object_type, name).get(wanted, ())
    found = (portal.records[object_type].get(i) for i in ids)
    return sorted(
        (r for r in found if r and r.live and r.properties.get(name, "").lower() == wanted),
        key=lambda r: int(r.id),
    )


def remember(portal: Portal, object_type: str, record: Record) -> None:
    """Note the values `record` now holds in every index built for its type."""
    for (kind, name), index in portal.unique_values.items():
        if kind == object_type and (value := record.properties.get(name)):
            index.setdefault(str(value).lower(), set()).add(record.id)


def _index(portal: Portal, object_type: str, name: str) -> dict[str, set[str]]:
    index = portal.unique_values.get((object_type, name))
    if index is None:
        index = portal.unique_values[(object_type, name)] = {}
        for record in portal.records[object_type].values():
            if value := record.properties.get(name):
                index.setdefault(str(value).lower(), set()).add(record.id)
    return index
