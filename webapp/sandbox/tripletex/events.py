"""`/event` (the catalogue) and `/event/subscription` (one subscription per event, no wildcards)."""

from __future__ import annotations

from flask import Blueprint, g

from . import crud, envelopes, routes
from .auth import entitled, public
from .errors import not_found, validation

bp = Blueprint("tripletex_events", __name__)

EVENTS = {
    **{
        f"{subject}.{verb}": {"description": f"{label} {text}", "payloadModel": model}
        for subject, label, model in (
            ("customer", "Customer", "Customer"),
            ("contact", "Contact", "Contact"),
            ("product", "Product", "Product"),
            ("order", "Order", "Order"),
        )
        for verb, text in (("create", "created"), ("update", "updated"), ("delete", "deleted"))
    },
    "invoice.charged": {
        "description": "A new invoice has been created and charged",
        "payloadModel": "Invoice",
    },
    "closeGroup.create": {
        "description": "Fired when a closeGroup is created (postings are "
        "matched/closed). Payload includes the closed postings.",
        "payloadModel": "CloseGroup",
    },
    "closeGroup.delete": {
        "description": "Fired when a closeGroup is deleted (postings are reopened).",
        "payloadModel": "CloseGroup",
    },
}


@bp.get("/v2/event")
@public
def catalogue():
    # No authorization needed since 2.56.4.
    return {"value": EVENTS}


@bp.get("/v2/event/<event_type>")
@entitled("event")
def example(event_type):
    info = EVENTS.get(event_type)
    if info is None:
        raise not_found("Hendelsen")
    sample = {"subscriptionId": 0, "event": event_type, "id": 0, "value": None}
    return {
        "value": {
            "name": event_type,
            "description": info["description"],
            "payloadModel": info["payloadModel"],
            "examples": [sample],
        }
    }


def _before(company_id, obj, body, creating):
    event = body.get("event", obj["event"])
    if event not in EVENTS:
        raise validation("event", f"Ukjent hendelse: {event}. Abonner på hver hendelse for seg.")
    url = body.get("targetUrl", obj["targetUrl"])
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise validation("targetUrl", "Må være en absolutt URL.")
    for other in envelopes.state().table(company_id, "subscription").values():
        if other["id"] != obj["id"] and other["event"] == event:
            raise validation("event", "Det finnes allerede et abonnement på denne hendelsen.")
    if body.get("status") == "ACTIVE":
        obj["_failures"] = 0  # PUT status ACTIVE re-enables a disabled subscription


SUBSCRIPTION = crud.Resource(
    "subscription", required=("event", "targetUrl"), before_write=_before, events=False
)
routes.register(bp, SUBSCRIPTION, "event/subscription", "event")


@bp.delete("/v2/event/subscription/list")
@entitled("event")
def delete_subscriptions():
    routes.delete_many(SUBSCRIPTION, g.company_id, routes.ids_param())
    return "", 204
