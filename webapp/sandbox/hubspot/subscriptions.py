"""The app's webhook subscriptions, as a project's webhooks-hsmeta.json declares them, and the
events one CRM change produces for them (brief §3.1-3.3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema
from .errors import invalid

KINDS = ("creation", "deletion", "propertyChange", "associationChange")
# Legacy per-object types exist for these; products have no associationChange [SPEC-WEBHOOKS-v3].
LEGACY_OBJECTS = {"contact", "company", "deal", "line_item", "product"}
# Documented association-event fields [MIR-WEBHOOKS]; generic events also get the type ids.
ASSOCIATION_FIELDS = {
    "associationType",
    "fromObjectId",
    "toObjectId",
    "associationRemoved",
    "isPrimaryAssociation",
}


@dataclass
class Change:
    """Something that happened to one record, as the webhook emitter needs to know it."""

    portal_id: int
    object_type: str  # plural, e.g. "companies"
    object_id: str
    kind: str  # one of KINDS
    source: tuple  # (changeSource, sourceId)
    when: float
    prop: str | None = None
    value: str | None = None
    association: dict = field(default_factory=dict)


def from_hsmeta(document: dict) -> tuple[str, list[dict], int]:
    """Read a webhooks-hsmeta.json document: (targetUrl, subscriptions, maxConcurrentRequests)."""
    config = (document or {}).get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict) or not (config.get("settings") or {}).get("targetUrl"):
        raise invalid(
            "Expected a webhooks-hsmeta.json document: {type, config: {settings: "
            "{targetUrl}, subscriptions: {crmObjects, legacyCrmObjects}}}"
        )
    wanted = config.get("subscriptions") or {}
    subscriptions = []
    for sub in (wanted.get("crmObjects") or []) + (wanted.get("legacyCrmObjects") or []):
        sub = dict(sub)
        # Older project versions named the type `objectName` [DOC-PRIVATE-WEBHOOKS].
        if "objectName" in sub and "objectType" not in sub:
            sub["objectType"] = sub.pop("objectName")
        check(sub)
        subscriptions.append(sub)
    settings = config["settings"]
    return settings["targetUrl"], subscriptions, int(settings.get("maxConcurrentRequests") or 10)


def check(sub: dict) -> None:
    """Refuse a subscription HubSpot's project validation would refuse."""
    kind = str(sub.get("subscriptionType", ""))
    prefix, _, action = kind.partition(".")
    generic = prefix == "object"
    if action not in KINDS or not (generic or prefix in LEGACY_OBJECTS):
        raise invalid(f"Unsupported subscriptionType {kind!r}")
    if generic and schema.canonical_type(str(sub.get("objectType", ""))) is None:
        raise invalid(f"{kind} needs an objectType such as contact or deal")
    if action == "propertyChange" and not sub.get("propertyName"):
        raise invalid(f"{kind} needs a propertyName; there is no wildcard")
    if kind == "product.associationChange":
        raise invalid("product.associationChange does not exist")


def numbered(subscriptions: list[dict]) -> list[dict]:
    """Give each active subscription an id, as HubSpot does when a project is uploaded."""
    return [
        dict(sub, id=500_001 + index)
        for index, sub in enumerate(subscriptions)
        if sub.get("active", True)
    ]


def _matches(sub: dict, change: Change, singular: str) -> str | None:
    """Return the subscriptionType the event carries when sub wants the change, else None."""
    prefix, _, action = sub["subscriptionType"].partition(".")
    if action != change.kind:
        return None
    if prefix == "object":
        if schema.canonical_type(str(sub.get("objectType", ""))) != change.object_type:
            return None
    elif prefix != singular:
        return None
    if action == "propertyChange" and sub.get("propertyName") != change.prop:
        return None
    return sub["subscriptionType"]


def events_for(subscriptions: list[dict], change: Change, app_id: int, next_id) -> list[dict]:
    """Return the events (without delivery fields) that a change produces."""
    singular = schema.OBJECT_TYPES[change.object_type][1]
    events = []
    for sub in subscriptions:
        kind = _matches(sub, change, singular)
        if kind is None:
            continue
        event = {
            "eventId": next_id(),
            "subscriptionId": sub["id"],
            "portalId": change.portal_id,
            "appId": app_id,
            "occurredAt": int(change.when * 1000),
            "subscriptionType": kind,
            "attemptNumber": 0,
            "objectId": int(change.object_id),
            "changeSource": change.source[0],
            "sourceId": change.source[1],
        }
        generic = kind.startswith("object.")
        if generic:
            event["objectTypeId"] = schema.type_id(change.object_type)
        if change.kind == "propertyChange":
            event.update(propertyName=change.prop, propertyValue=change.value)
            if generic:
                event["isSensitive"] = False
        elif change.kind == "creation":
            event["changeFlag"] = "NEW"
        elif change.kind == "associationChange":
            event.update(
                {k: v for k, v in change.association.items() if generic or k in ASSOCIATION_FIELDS}
            )
        events.append(event)
    return events
