"""The app's webhook subscriptions, as a project's webhooks-hsmeta.json declares them, and the
events one CRM change produces for them (brief §3.1-3.3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema
from .errors import invalid

KINDS = ("creation", "deletion", "propertyChange", "associationChange", "merge", "restore")
# Legacy per-object types exist for these; products have no associationChange [SPEC-WEBHOOKS-v3].
LEGACY_OBJECTS = {"contact", "company", "deal", "line_item", "product"}
# What a project's "hubEvents" takes: "the classic subscription types contact.privacyDeletion
# and conversation.*" (configure-webhooks page). Conversations are accepted and never fire.
HUB_EVENTS = {"contact.privacyDeletion"} | {
    f"conversation.{k}"
    for k in ("creation", "deletion", "newMessage", "privacyDeletion", "propertyChange")
}
MERGE_FIELDS = ("primaryObjectId", "mergedObjectIds", "newObjectId", "numberOfPropertiesMoved")
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
    # The fields a merge event adds; the id of the event (one write, one event id).
    extra: dict = field(default_factory=dict)
    event_id: int | None = None


def from_hsmeta(document: dict) -> tuple[str, list[dict], int]:
    """Read a webhooks-hsmeta.json document: (targetUrl, subscriptions, maxConcurrentRequests).

    crmObjects hold the generic object.* types, legacyCrmObjects the classic per-object ones,
    hubEvents contact.privacyDeletion and conversation.*; maxConcurrentRequests "must be a
    number greater than five" (webhooks guide) and is 10 when left out.
    """
    config = (document or {}).get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict) or not (config.get("settings") or {}).get("targetUrl"):
        raise invalid(
            "Expected a webhooks-hsmeta.json document: {type, config: {settings: "
            "{targetUrl}, subscriptions: {crmObjects, legacyCrmObjects, hubEvents}}}"
        )
    wanted = config.get("subscriptions") or {}
    subscriptions = []
    for section in ("crmObjects", "legacyCrmObjects", "hubEvents"):
        for sub in wanted.get(section) or []:
            sub = dict(sub)
            # Older project versions named the type `objectName` [DOC-PRIVATE-WEBHOOKS].
            if "objectName" in sub and "objectType" not in sub:
                sub["objectType"] = sub.pop("objectName")
            check(sub, section)
            subscriptions.append(sub)
    settings = config["settings"]
    concurrency = settings.get("maxConcurrentRequests", 10)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency <= 5:
        raise invalid("maxConcurrentRequests must be a number greater than five")
    return settings["targetUrl"], subscriptions, concurrency


def check(sub: dict, section: str = "crmObjects") -> None:
    """Refuse a subscription HubSpot's project validation would refuse."""
    kind = str(sub.get("subscriptionType", ""))
    prefix, _, action = kind.partition(".")
    generic = prefix == "object"
    if section == "hubEvents" or kind in HUB_EVENTS:
        if section != "hubEvents" or kind not in HUB_EVENTS:
            raise invalid(f"{kind!r} belongs in hubEvents, which takes only {sorted(HUB_EVENTS)}")
        return
    if action not in KINDS or not (generic or prefix in LEGACY_OBJECTS):
        raise invalid(f"Unsupported subscriptionType {kind!r}")
    if generic != (section == "crmObjects"):
        raise invalid(
            f"{kind}: crmObjects takes the object.* types, legacyCrmObjects the classic ones"
        )
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


def events_for(subscriptions: list[dict], change: Change, app_id: int) -> list[dict]:
    """Return the events (without delivery fields) that a change produces.

    They share the change's eventId: one change seen by several subscriptions, or one write
    that changed several properties, is one event; HubSpot says eventId "is not guaranteed
    to be unique" (webhooks guide), so receivers cannot de-duplicate on it alone.
    """
    singular = schema.OBJECT_TYPES[change.object_type][1]
    events = []
    for sub in subscriptions:
        kind = _matches(sub, change, singular)
        if kind is None:
            continue
        event = {
            "eventId": change.event_id,
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
        elif change.kind == "merge":
            event.update({k: change.extra[k] for k in MERGE_FIELDS if k in change.extra})
        elif change.kind == "associationChange":
            event.update(
                {k: v for k, v in change.association.items() if generic or k in ASSOCIATION_FIELDS}
            )
        events.append(event)
    return events
