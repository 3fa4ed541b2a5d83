"""The control API under /_sandbox/ for the world: portals, edits as a HubSpot user, reset."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from . import records, schema
from .errors import invalid, not_found
from .gateway import sandbox
from .objects import kind
from .seeding import create_portal as seed_portal

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
    """Create a portal with seed data (see seeding.py); answer its summary and the refs made."""
    with sandbox().state.lock:
        portal, refs = seed_portal(sandbox(), _body())
        return jsonify(dict(portal.summary(), refs=refs)), 201


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


@bp.put("/portals/<int:portal_id>/objects/<object_type>/<object_id>/associations/<to_type>/<to_id>")
def ui_associate(portal_id: int, object_type: str, object_id: str, to_type: str, to_id: str):
    """Associate two records as a user would: {typeId?, userId?} (default: the unlabelled type)."""
    object_type, to_type, body = kind(object_type), kind(to_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        records.get(portal, object_type, object_id)       # 404 unless both records exist
        records.get(portal, to_type, to_id)
        type_id = int(body.get("typeId") or schema.default_association(object_type, to_type) or 0)
        if schema.ASSOCIATION_TYPES.get(type_id, ())[:2] != (object_type, to_type):
            raise invalid(f"No HubSpot-defined association {type_id} from {object_type} to {to_type}")
        records.associate(sandbox(), portal, object_type, object_id, to_type, to_id,
                          "HUBSPOT_DEFINED", type_id, _ui_source(portal, body))
    return "", 204


@bp.delete("/portals/<int:portal_id>/objects/<object_type>/<object_id>/associations/<to_type>/<to_id>")
def ui_dissociate(portal_id: int, object_type: str, object_id: str, to_type: str, to_id: str):
    object_type, to_type, body = kind(object_type), kind(to_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        records.dissociate(sandbox(), portal, object_type, object_id, to_type, to_id,
                           _ui_source(portal, body))
    return "", 204


@bp.post("/reset")
def reset():
    """Forget everything; {demo: true} seeds the demo portals again."""
    from .demo import seed_demo
    sb = sandbox()
    sb.reset()
    if _body().get("demo"):
        seed_demo(sb)
    return jsonify({"portals": list(sb.state.portals)})
