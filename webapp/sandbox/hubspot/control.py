"""The control API under /_sandbox/ for the world: portals, edits as a HubSpot user, reset."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import demo_data, inputs
from ..inputs import (
    JSON_SAFE,
    BadInput,
    anything,
    boolean,
    choice,
    integer,
    list_of,
    mapping,
    number,
    record,
    regex,
    text,
)
from . import records, schema
from .errors import invalid, not_found
from .gateway import sandbox
from .generating import populate
from .objects import kind
from .properties import FIELD_TYPES, TYPES
from .seeding import create_portal as seed_portal

bp = Blueprint("hubspot_control", __name__, url_prefix="/_sandbox")

ID = integer(1, JSON_SAFE)
USER = {"userId": ID}
METHOD = text(
    max_length=6, pattern="(?i)GET|POST|PUT|PATCH|DELETE", wanted="GET, POST, PUT, PATCH or DELETE"
)
PROPERTIES = mapping(anything(), max_items=1000)  # values are the API's to judge
# What POST /crm/properties takes (see properties.py), with groupName optional here.
DEFINITION = record(
    {
        "name": text(max_length=100),
        "label": text(max_length=255),
        "type": choice(*sorted(TYPES)),
        "fieldType": choice(*sorted(FIELD_TYPES)),
        "groupName": text(max_length=100),
        "description": text(0, 1000),
        "options": list_of(record({}, closed=False), 1000),
        "displayOrder": integer(-1, 1_000_000),
        "hidden": boolean(),
        "formField": boolean(),
        "hasUniqueValue": boolean(),
        "readOnly": boolean(),
    },
    required=("name", "label", "type", "fieldType"),
)


PIPELINE = record(
    {
        "id": text(max_length=100, pattern="[A-Za-z0-9_-]+", wanted="an id of letters and digits"),
        "label": text(max_length=255),
        "displayOrder": integer(-1_000_000, 1_000_000),
        "stages": list_of(
            record(
                {
                    "id": text(
                        max_length=100,
                        pattern="[A-Za-z0-9_-]+",
                        wanted="an id of letters and digits",
                    ),
                    "label": text(max_length=255),
                    "displayOrder": integer(-1_000_000, 1_000_000),
                    "probability": number(0, 1),
                    "isClosed": boolean(),
                },
                required=("label", "probability"),
            ),
            100,
        ),
    },
    required=("label", "stages"),
)


def _associations(to: dict):
    return list_of(
        record(
            {
                "to": record(to),
                "types": list_of(
                    record(
                        {
                            "associationCategory": text(max_length=50),
                            "associationTypeId": integer(1, 100_000),
                        },
                        required=("associationTypeId",),
                    )
                ),
            },
            required=("to", "types"),
        ),
        max_items=1000,
    )


# What each control endpoint's body may hold, by endpoint; an endpoint not listed takes no
# fields. operations.py and fetch.py read their bodies themselves: listing them here too means
# every body is checked before any view runs, so a refusal changes nothing.
BODIES = {
    "hubspot_control.create_portal": {
        "id": ID,
        "name": text(max_length=255),
        "domain": text(max_length=255),
        "users": list_of(
            record(
                {
                    "email": text(max_length=254),
                    "firstName": text(0, 100),
                    "lastName": text(0, 100),
                    "superAdmin": boolean(),
                },
                required=("email",),
            )
        ),
        "properties": mapping(list_of(DEFINITION, max_items=1000)),
        "currencies": list_of(
            text(3, 3, pattern="[A-Z]{3}", wanted="a currency code such as NOK"), 50
        ),
        "pipelines": list_of(PIPELINE, 100),
        "objects": mapping(
            list_of(
                record(
                    {
                        "ref": text(max_length=100),
                        "properties": PROPERTIES,
                        "associations": _associations(
                            {"ref": text(max_length=100), "id": anything()}
                        ),
                    }
                ),
                max_items=10_000,
            )
        ),
    },
    "hubspot_control.ui_create": {
        "properties": PROPERTIES,
        "associations": _associations({"id": anything()}),
        **USER,
    },
    "hubspot_control.generate": {
        "seed": integer(0, JSON_SAFE),
        "companies": integer(0, 100_000),
        "contacts": integer(0, 200_000),
        "products": integer(0, 10_000),
        "deals": integer(0, 100_000),
        "linesPerDeal": integer(1, 20),
    },
    "hubspot_control.ui_update": {"properties": PROPERTIES, **USER},
    "hubspot_control.ui_delete": USER,
    "hubspot_control.ui_associate": {"typeId": integer(1, 100_000), **USER},
    "hubspot_control.ui_dissociate": {"typeId": integer(1, 100_000), **USER},
    "hubspot_control.reset": {"demo": boolean()},
    "hubspot_operations.add_fault": {
        "status": integer(400, 599),
        "latency": number(0, 600),
        "timeout": boolean(),
        "count": integer(1, 1_000_000),
        "rate": number(0, 1),
        "path": regex(),
        "method": METHOD,
        "retryAfter": integer(0, 86400),
        "seconds": number(0, 600),
    },
    "hubspot_operations.set_limits": {
        "rateLimitMax": integer(1, 1_000_000),
        "rateLimitIntervalMs": integer(1, 86_400_000),
        "searchPerSecond": integer(1, 1_000_000),
    },
    "hubspot_operations.move_clock": {"advance": number(0, 3650 * 86400), "freeze": boolean()},
    "hubspot_operations.webhook_mode": {"duplicate": boolean(), "reorder": boolean()},
    # subscriptions.from_hsmeta judges the subscriptions themselves.
    "hubspot_operations.webhook_config": {
        "uid": text(max_length=100),
        "type": text(max_length=100),
        "config": record(
            {
                "settings": record(
                    # "must be a number greater than five" (webhooks guide)
                    {"targetUrl": text(max_length=2000), "maxConcurrentRequests": integer(6, 1000)},
                    required=("targetUrl",),
                    closed=False,
                ),
                "subscriptions": record(
                    {
                        "crmObjects": list_of(record({}, closed=False), 1000),
                        "legacyCrmObjects": list_of(record({}, closed=False), 1000),
                        "hubEvents": list_of(record({}, closed=False), 1000),
                    },
                    closed=False,
                ),
            },
            required=("settings",),
            closed=False,
        ),
    },
    "hubspot_operations.webhook_flush": {"timeout": number(0, 300)},
    "hubspot_operations.update_settings": {
        "searchLagSeconds": number(0, 86400),
        "mergeCreatesNewId": boolean(),
        "lineItemDiscountPerUnit": boolean(),
        "webhookRetryDelays": list_of(number(0, 7 * 86400), 50),
        "webhookRetryJitter": number(0, 1),
        "webhookMaxRetries": integer(0, 100),
        "webhookTimeout": number(0.01, 600),
    },
    "hubspot_fetch.fetch": {
        "portalId": ID,
        "userId": ID,
        "userEmail": text(max_length=254),
        "method": METHOD,
        "url": text(max_length=8000, pattern=r"https?://.+", wanted="an http(s) URL"),
        "body": anything(),
        "timeout": number(0, 120_000),
    },
    "hubspot_fetch.sign": {
        "method": text(max_length=10, pattern="[A-Za-z]+", wanted="an HTTP method"),
        "url": text(max_length=8000),
        "body": anything(),
        "timestamp": integer(0, JSON_SAFE),
        "clientSecret": text(max_length=500),
    },
}
REQUIRED = {
    "hubspot_operations.webhook_config": ("config",),
    "hubspot_fetch.fetch": ("portalId", "url"),
    "hubspot_fetch.sign": ("url",),
}
QUERIES = {"hubspot_operations.request_log": ("portalId",)}  # whole numbers


@bp.before_app_request
def _check_input():
    """Refuse malformed control input with HubSpot's 400, before any view changes anything."""
    if not request.path.startswith("/_sandbox/") or request.url_rule is None:
        return  # not ours, or a 404 / 405 to come
    try:
        for name in QUERIES.get(request.endpoint, ()):
            inputs.integer_arg(name)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            inputs.check(
                inputs.json_object(),
                BODIES.get(request.endpoint, {}),
                REQUIRED.get(request.endpoint, ()),
            )
    except BadInput as exc:
        raise invalid(str(exc)) from None


def _body() -> dict:
    """Return the body _check_input accepted."""
    return inputs.json_object()


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


@bp.post("/portals/<int:portal_id>/generate")
def generate(portal_id: int):
    """Fill a portal with a generated world, the same for the same seed and sizes (a portal
    for the sync benchmarks): {seed?, companies?, contacts?, products?, deals?, linesPerDeal?}."""
    body = _body()
    sizes = {n: body.get(n, 0) for n in ("companies", "contacts", "products", "deals")}
    if sizes["deals"] and not sizes["companies"]:
        raise invalid("deals: each deal belongs to a company, so ask for companies too")
    seed = body.get("seed", 2026)
    world = demo_data.generate(seed, **sizes, lines_per_deal=body.get("linesPerDeal", 3))
    with sandbox().state.lock:
        made = populate(sandbox(), _portal(portal_id), world)
    return jsonify({"portalId": portal_id, "seed": seed, "created": made}), 201


@bp.post("/portals/<int:portal_id>/uninstall")
def customer_uninstall(portal_id: int):
    """Uninstall as the customer would in HubSpot: the app's tokens stop working."""
    with sandbox().state.lock:
        _portal(portal_id)
        sandbox().state.uninstall(portal_id)
    return "", 204


def _ui_source(portal, body: dict) -> tuple:
    """Return the change source of an edit by the body's user (default: a super admin)."""
    user_id = body.get("userId")
    if user_id is not None and all(u["id"] != user_id for u in portal.users):
        raise invalid(f"userId: portal {portal.id} has no user {user_id}")
    return ("CRM_UI", f"userId:{portal.user(user_id)['id']}")


@bp.get("/portals/<int:portal_id>/objects/<object_type>")
def list_records(portal_id: int, object_type: str):
    """Every live record of a type, with all its properties (what a user sees in an export)."""
    object_type = kind(object_type)
    with sandbox().state.lock:
        portal = _portal(portal_id)
        return jsonify(
            {
                "results": [
                    records.public(portal, object_type, r, list(r.properties))
                    for r in records.live(portal, object_type)
                ]
            }
        )


@bp.post("/portals/<int:portal_id>/objects/<object_type>")
def ui_create(portal_id: int, object_type: str):
    """Create a record as a HubSpot user would (webhooks say CRM_UI).

    Body: {properties, associations, userId?}.
    """
    object_type, body = kind(object_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        record = records.create(
            sandbox(),
            portal,
            object_type,
            body.get("properties") or {},
            body.get("associations") or [],
            _ui_source(portal, body),
        )
        return jsonify(records.public(portal, object_type, record, list(record.properties))), 201


@bp.patch("/portals/<int:portal_id>/objects/<object_type>/<object_id>")
def ui_update(portal_id: int, object_type: str, object_id: str):
    object_type, body = kind(object_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        record = records.get(portal, object_type, object_id)
        records.update(
            sandbox(),
            portal,
            object_type,
            record,
            body.get("properties") or {},
            _ui_source(portal, body),
        )
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
        records.get(portal, object_type, object_id)  # 404 unless both records exist
        records.get(portal, to_type, to_id)
        type_id = body.get("typeId") or schema.default_association(object_type, to_type) or 0
        if schema.ASSOCIATION_TYPES.get(type_id, ())[:2] != (object_type, to_type):
            raise invalid(
                f"No HubSpot-defined association {type_id} from {object_type} to {to_type}"
            )
        records.associate(
            sandbox(),
            portal,
            object_type,
            object_id,
            to_type,
            to_id,
            "HUBSPOT_DEFINED",
            type_id,
            _ui_source(portal, body),
        )
    return "", 204


@bp.delete(
    "/portals/<int:portal_id>/objects/<object_type>/<object_id>/associations/<to_type>/<to_id>"
)
def ui_dissociate(portal_id: int, object_type: str, object_id: str, to_type: str, to_id: str):
    object_type, to_type, body = kind(object_type), kind(to_type), _body()
    with sandbox().state.lock:
        portal = _portal(portal_id)
        records.dissociate(
            sandbox(), portal, object_type, object_id, to_type, to_id, _ui_source(portal, body)
        )
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
