"""`POST /hubspot/webhooks`: HubSpot's events, checked and stored in one insert, answered at once.

HubSpot waits five seconds and retries anything but a 2xx, so nothing slow happens here: the
signature is checked (v3, over the raw body and the public URL), the events are stored in the
inbox (repeats dropped) and the worker is asked to act on them. Events the sync ignores on
purpose (another app's, our own writes, a portal that is not installed) still get a 2xx, or
HubSpot would send them again for a day.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request

from ..clients.hubspot_signature import SignatureInvalid, verify_v3
from .collaborators import collaborators
from .signed import public_url

bp = Blueprint("hubspot_webhooks", __name__)

MAX_EVENTS = 100  # HubSpot sends at most 100 events a request
# HubSpot's object type ids, for the generic `object.*` subscriptions.
TYPE_IDS = {
    "0-1": "contacts",
    "0-2": "companies",
    "0-3": "deals",
    "0-7": "products",
    "0-8": "line_items",
}
LEGACY = {
    "contact": "contacts",
    "company": "companies",
    "deal": "deals",
    "product": "products",
    "line_item": "line_items",
}


@bp.post("/hubspot/webhooks")
def receive():
    c = collaborators()
    try:
        verify_v3(
            current_app.config["HUBSPOT_CLIENT_SECRET"],
            request.method,
            public_url(),
            request.get_data(cache=True),
            request.headers.get("X-HubSpot-Request-Timestamp"),
            request.headers.get("X-HubSpot-Signature-v3"),
            now_ms=int(c.clock.time() * 1000),
        )
    except SignatureInvalid as exc:
        current_app.logger.info("refused a webhook delivery: %s", exc.reason)
        return jsonify(
            error="invalid_signature",
            message="This request is not signed by HubSpot: " + exc.reason,
        ), 401
    try:
        events = json.loads(request.get_data(cache=True))
    except ValueError:
        return _bad("The body is not JSON.")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return _bad("The body must be a JSON array of event objects.")
    if len(events) > MAX_EVENTS:
        return _bad(f"At most {MAX_EVENTS} events are accepted in one request.")

    app_id = str(current_app.config["HUBSPOT_APP_ID"])
    kept, skipped = [], 0
    installed: dict[int, bool] = {}
    for event in events:
        parsed = _parsed(event, app_id)
        if parsed is None:
            skipped += 1
            continue
        portal = parsed["portal_id"]
        if portal not in installed:
            row = c.installations.get(portal)
            installed[portal] = bool(row and row["status"] == "active")
        if installed[portal]:
            kept.append(parsed)
        else:
            skipped += 1
    stored = c.inbox.store(kept)
    if skipped:
        current_app.logger.info("webhook delivery: %d events not for the sync", skipped)
    tasks = current_app.extensions["tasks"]
    for portal in sorted({e["portal_id"] for e in kept}):
        tasks.sync_pending(portal)
    return jsonify(stored=stored, repeated=len(kept) - stored, ignored=skipped), 200


def _parsed(event: dict, app_id: str) -> dict | None:
    """The event as the inbox keeps it, or None for one the sync does not act on."""
    kind = event.get("subscriptionType")
    portal, object_id, occurred = (event.get(k) for k in ("portalId", "objectId", "occurredAt"))
    type_id = event.get("objectTypeId")
    if str(kind).endswith(".associationChange"):
        # HubSpot documents the ends of an association, not objectId/objectTypeId, for these:
        # the record whose associations changed is the `from` one (it fires for both sides).
        object_id = event.get("fromObjectId", object_id)
        type_id = event.get("fromObjectTypeId", type_id)
    if not isinstance(kind, str) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in (portal, object_id, occurred)
    ):
        return None
    if event.get("appId") not in (None, "") and str(event.get("appId")) != app_id:
        return None  # another app's subscription
    if event.get("changeSource") == "INTEGRATION" and str(event.get("sourceId")) == app_id:
        return None  # our own write coming back: acting on it would loop
    prefix = kind.partition(".")[0]
    if prefix == "object":
        object_type = TYPE_IDS.get(str(type_id))
    else:
        object_type = LEGACY.get(prefix)
    if object_type is None:
        return None
    name = event.get("propertyName")
    return {
        "portal_id": portal,
        "subscription_type": kind,
        "object_type": object_type,
        "object_id": str(object_id),
        "property_name": name if isinstance(name, str) else "",
        "occurred_at": occurred,
        "event": event,
    }


def _bad(message: str):
    return jsonify(error="bad_request", message=message), 400
