"""The control API under /_sandbox/: portals, UI-user edits, faults, clock, webhooks, log, reset."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from . import records
from .errors import invalid, not_found
from .gateway import sandbox
from .objects import kind

bp = Blueprint("hubspot_control", __name__, url_prefix="/_sandbox")


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _portal(portal_id: int):
    portal = sandbox().state.portals.get(portal_id)
    if portal is None:
        raise not_found(f"No portal {portal_id}")
    return portal


@bp.get("/portals")
def list_portals():
    with sandbox().state.lock:
        return jsonify({"results": [p.summary() for p in sandbox().state.portals.values()]})


@bp.post("/portals")
def create_portal():
    """Create a portal: {id?, name, domain, users?: [{email, firstName, lastName, superAdmin}]}."""
    body = _body()
    state = sandbox().state
    with state.lock:
        portal_id = int(body.get("id") or max(state.portals, default=4_000_000) + 1)
        if portal_id in state.portals:
            raise invalid(f"Portal {portal_id} already exists")
        portal = state.add_portal(portal_id, body.get("name") or f"Portal {portal_id}",
                                  body.get("domain") or f"portal-{portal_id}.example",
                                  [dict(u) for u in body.get("users") or []])
        return jsonify(portal.summary()), 201


@bp.get("/portals/<int:portal_id>")
def read_portal(portal_id: int):
    with sandbox().state.lock:
        return jsonify(_portal(portal_id).summary())


@bp.post("/portals/<int:portal_id>/uninstall")
def customer_uninstall(portal_id: int):
    """Uninstall as the customer would in HubSpot: the app's tokens stop working."""
    with sandbox().state.lock:
        _portal(portal_id)
        sandbox().state.uninstall(portal_id)
    return "", 204


def _ui_source(portal, body: dict) -> tuple:
    user = portal.user(int(body["userId"]) if body.get("userId") else None)
    return ("CRM_UI", f"userId:{user['id']}")


@bp.get("/portals/<int:portal_id>/objects/<object_type>")
def list_records(portal_id: int, object_type: str):
    """Every live record of a type, with all its properties (what a user sees in an export)."""
    object_type = kind(object_type)
    with sandbox().state.lock:
        portal = _portal(portal_id)
        return jsonify({"results": [records.public(portal, object_type, r, list(r.properties))
                                    for r in records.live(portal, object_type)]})


@bp.post("/portals/<int:portal_id>/objects/<object_type>")
def ui_create(portal_id: int, object_type: str):
    """Create a record as a HubSpot user would (webhooks say CRM_UI): {properties, associations, userId?}."""
    object_type, body = kind(object_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        record = records.create(sandbox(), portal, object_type, body.get("properties") or {},
                                body.get("associations") or [], _ui_source(portal, body))
        return jsonify(records.public(portal, object_type, record, list(record.properties))), 201


@bp.patch("/portals/<int:portal_id>/objects/<object_type>/<object_id>")
def ui_update(portal_id: int, object_type: str, object_id: str):
    object_type, body = kind(object_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        record = records.get(portal, object_type, object_id)
        records.update(sandbox(), portal, object_type, record, body.get("properties") or {},
                       _ui_source(portal, body))
        return jsonify(records.public(portal, object_type, record, list(record.properties)))


@bp.delete("/portals/<int:portal_id>/objects/<object_type>/<object_id>")
def ui_delete(portal_id: int, object_type: str, object_id: str):
    object_type, body = kind(object_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        record = records.get(portal, object_type, object_id)
        records.archive(sandbox(), portal, object_type, record, _ui_source(portal, body))
    return "", 204


@bp.get("/faults")
def list_faults():
    return jsonify({"results": sandbox().faults.rules})


@bp.post("/faults")
def add_fault():
    """Add a fault rule: {status|latency|timeout, count?, rate?, path?, method?, retryAfter?, seconds?}."""
    body = _body()
    if not any(body.get(k) for k in ("status", "latency", "timeout")):
        raise invalid("A fault needs status, latency or timeout")
    return jsonify(sandbox().faults.add(body)), 201


@bp.delete("/faults")
def clear_faults():
    sandbox().faults.clear()
    return "", 204


@bp.get("/requests")
def request_log():
    return jsonify(sandbox().request_log())


@bp.get("/clock")
def read_clock():
    return jsonify({"now": sandbox().clock.now()})


@bp.post("/clock")
def move_clock():
    """Move the sandbox clock forward: {advance: seconds} (token expiry, rate windows)."""
    sandbox().clock.advance(float(_body().get("advance", 0)))
    return jsonify({"now": sandbox().clock.now()})


@bp.post("/webhooks")
def webhook_mode():
    """Ask for misbehaving deliveries: {duplicate: bool, reorder: bool}."""
    emitter, body = sandbox().webhooks, _body()
    emitter.duplicate = bool(body.get("duplicate", emitter.duplicate))
    emitter.reorder = bool(body.get("reorder", emitter.reorder))
    return jsonify({"duplicate": emitter.duplicate, "reorder": emitter.reorder,
                    "subscriptions": emitter.subscriptions})


@bp.get("/webhooks/deliveries")
def webhook_deliveries():
    return jsonify({"results": list(sandbox().webhooks.deliveries)})


@bp.post("/webhooks/flush")
def webhook_flush():
    """Wait (up to `timeout` seconds) until every queued webhook has been delivered or dropped."""
    idle = sandbox().webhooks.wait_idle(float(_body().get("timeout", 10)))
    return jsonify({"idle": idle}), 200 if idle else 504


@bp.post("/reset")
def reset():
    """Forget everything; {demo: true} seeds the demo portals again."""
    from .demo import seed_demo
    sb = sandbox()
    sb.reset()
    if _body().get("demo"):
        seed_demo(sb)
    return jsonify({"portals": list(sb.state.portals)})
