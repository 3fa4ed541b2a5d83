"""The control API for what users do to a record's life in HubSpot's UI: merge two records,
restore one from the recycle bin, delete a contact for privacy (webhooks say CRM_UI)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..inputs import JSON_SAFE, integer, text
from . import control, lifecycle, records
from .control import _body, _portal, _ui_source
from .gateway import sandbox
from .objects import kind

bp = Blueprint("hubspot_control_lifecycle", __name__, url_prefix="/_sandbox")
OBJECT_ID = text(max_length=30, pattern=r"\d+", wanted="a record id")
USER = {"userId": integer(1, JSON_SAFE)}
control.BODIES.update(
    {
        "hubspot_control_lifecycle.ui_merge": {
            "primaryObjectId": OBJECT_ID,
            "objectIdToMerge": OBJECT_ID,
            **USER,
        },
        "hubspot_control_lifecycle.ui_restore": USER,
        "hubspot_control_lifecycle.ui_gdpr_delete": USER,
    }
)
control.REQUIRED["hubspot_control_lifecycle.ui_merge"] = ("primaryObjectId", "objectIdToMerge")


@bp.post("/portals/<int:portal_id>/objects/<object_type>/merge")
def ui_merge(portal_id: int, object_type: str):
    """Merge two records as a user: {primaryObjectId, objectIdToMerge, userId?}."""
    object_type, body = kind(object_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        record = lifecycle.merge(
            sandbox(),
            portal,
            object_type,
            body["primaryObjectId"],
            body["objectIdToMerge"],
            _ui_source(portal, body),
        )
        return jsonify(records.public(portal, object_type, record, list(record.properties)))


@bp.post("/portals/<int:portal_id>/objects/<object_type>/<object_id>/restore")
def ui_restore(portal_id: int, object_type: str, object_id: str):
    """Restore an archived record as a user does from the recycle bin: {userId?}."""
    object_type, body = kind(object_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        record = lifecycle.restore(
            sandbox(), portal, object_type, object_id, _ui_source(portal, body)
        )
        return jsonify(records.public(portal, object_type, record, list(record.properties)))


@bp.post("/portals/<int:portal_id>/objects/contacts/<object_id>/gdpr-delete")
def ui_gdpr_delete(portal_id: int, object_id: str):
    """Delete a contact permanently for privacy, as a user: {userId?}."""
    body = _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        lifecycle.gdpr_delete(sandbox(), portal, object_id, None, _ui_source(portal, body))
    return "", 204
