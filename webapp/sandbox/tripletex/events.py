"""`/event` (the catalogue) and `/event/subscription`: one event per subscription, no
wildcards, as many subscriptions per event as you make, each bound to its employee token."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, g

from . import crud, envelopes, routes
from . import fields as fieldspec
from .auth import entitled, public
from .errors import TripletexError, not_found, validation

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
    wanted = body.get("fields", obj["fields"])
    if wanted:
        # Checked now, as an API `fields` is: a bad one must not break every later write.
        try:
            fieldspec.check(event.split(".")[0], fieldspec.parse(str(wanted)))
        except TripletexError as error:
            raise validation("fields", error.message) from None
    if creating:
        state = envelopes.state()
        # "Create a new subscription for current EmployeeToken" (spec).
        obj["_token_id"] = g.employee_token["id"]
        delay = float(state.settings["subscription_propagation"])
        obj["_active_from"] = state.clock.now() + timedelta(seconds=delay)
    if body.get("status") == "ACTIVE":
        obj["_failures"] = 0  # PUT status ACTIVE re-enables a disabled subscription


def _visible(obj) -> bool:
    """Per-token subscriptions: another token's are not this caller's to see or change."""
    if not envelopes.state().settings["subscriptions_per_token"]:
        return True
    return obj.get("_token_id") == g.employee_token["id"]


SUBSCRIPTION = crud.Resource(
    "subscription",
    required=("event", "targetUrl"),
    before_write=_before,
    visible=_visible,
    events=False,
)
routes.register(bp, SUBSCRIPTION, "event/subscription", "event")


@bp.delete("/v2/event/subscription/list")
@entitled("event")
def delete_subscriptions():
    routes.delete_many(SUBSCRIPTION, g.company_id, routes.ids_param())
    return "", 204
