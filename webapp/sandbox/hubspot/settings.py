"""The sandbox's settings: the one registered app, its webhooks, limits and test knobs."""

from __future__ import annotations

import json
from pathlib import Path

from .subscriptions import from_hsmeta

# Where this checkout's HubSpot project keeps its webhooks component, if it has one.
PROJECT_WEBHOOKS = (
    Path(__file__).resolve().parents[3] / "hubspot/src/app/webhooks/webhooks-hsmeta.json"
)

# The app the sandbox registers; these are the product's SANDBOX_* defaults in webapp/config.py,
# repeated literally because the sandbox must not import the product.
DEFAULTS = {
    "client_id": "sandbox-client-id",
    "client_secret": "sandbox-client-secret",
    "app_id": 1000001,
    "app_name": "Tripletex Sync for HubSpot",
    "redirect_uris": ["http://127.0.0.1:5000/oauth/callback"],
    "required_scopes": ["oauth"],
    "optional_scopes": [],
    "webhook_target_url": "http://127.0.0.1:5000/hubspot/webhooks",
    "webhook_subscriptions": None,  # None: webhooks_file's, else DEFAULT_SUBSCRIPTIONS below
    "webhooks_file": None,  # a project's webhooks-hsmeta.json (its targetUrl is ignored)
    "webhook_max_batch": 100,
    "webhook_batch_window": 0.2,  # seconds to gather events into one POST
    "webhook_timeout": 5.0,  # a slower answer counts as a failure [MIR-WEBHOOKS]
    "webhook_max_retries": 10,  # "re-send failed notifications up to 10 times"
    # Seconds on the sandbox clock before each retry; HubSpot spreads ten over about 24 hours
    # with random delays: this schedule (22.8 hours in all), each delay varied at random by
    # up to webhook_retry_jitter of itself (seeded by `seed`).
    "webhook_retry_delays": [60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 25200],
    "webhook_retry_jitter": 0.25,
    # Requests in flight at once per portal: the webhooks component's maxConcurrentRequests.
    "webhook_max_concurrent": 10,
    # Seconds before a write shows in search (HubSpot's index is eventually consistent).
    "search_lag_seconds": 5.0,
    # Whether a merge gives the surviving record a new id (thinly documented: a setting).
    "merge_creates_new_id": True,
    # Whether a line item's `discount` is per unit (HubSpot's "Unit discount") or per line.
    "line_item_discount_per_unit": True,
    "access_token_ttl": 1800,
    "code_ttl": 600,
    "rotate_refresh_tokens": False,  # UNCONFIRMED in the brief §1.2; HubSpot keeps it today
    "rate_limit_max": 110,
    "rate_limit_interval_ms": 10_000,
    "search_per_second": 5,
    "fetch_timeout": 15.0,
    "clock": None,  # a Clock; tests pass one they can move
    "state_file": None,  # where the world is kept between runs (None: in memory only)
    "fresh": False,  # with state_file: forget the saved world and start over
    "seed": 2026,
}

# As a project's webhooks-hsmeta.json "crmObjects" list would declare them; PUT
# /_sandbox/webhooks/config replaces them with a real webhooks-hsmeta.json document.
_WATCHED = {
    "company": ["name", "domain", "orgnr", "phone", "city"],
    "contact": ["email", "firstname", "lastname", "phone"],
    "deal": ["dealname", "dealstage", "amount", "closedate"],
    "product": ["name", "price", "hs_sku"],
    "line_item": ["quantity", "price", "hs_product_id"],
}
DEFAULT_SUBSCRIPTIONS = [
    sub
    for object_type, props in _WATCHED.items()
    for sub in (
        [
            {"subscriptionType": "object.creation", "objectType": object_type, "active": True},
            {"subscriptionType": "object.deletion", "objectType": object_type, "active": True},
        ]
        + (
            [
                {
                    "subscriptionType": "object.associationChange",
                    "objectType": object_type,
                    "active": True,
                }
            ]
            if object_type != "product"
            else []
        )
        + [
            {
                "subscriptionType": "object.propertyChange",
                "objectType": object_type,
                "propertyName": name,
                "active": True,
            }
            for name in props
        ]
        + (
            [
                {"subscriptionType": f"object.{kind}", "objectType": object_type, "active": True}
                for kind in ("merge", "restore")
            ]
            if object_type in ("company", "contact", "deal")
            else []
        )
    )
] + [{"subscriptionType": "contact.privacyDeletion", "active": True}]  # as hubEvents has it


def merged(settings: dict | None) -> dict:
    """Return the defaults overlaid with the caller's settings."""
    result = dict(DEFAULTS)
    result.update(settings or {})
    if result["webhook_subscriptions"] is None and result["webhooks_file"]:
        # The file names the production target; the sandbox posts to the local app instead.
        document = json.loads(Path(result["webhooks_file"]).read_text(encoding="utf-8"))
        _, result["webhook_subscriptions"], concurrency = from_hsmeta(document)
        if "webhook_max_concurrent" not in (settings or {}):
            result["webhook_max_concurrent"] = concurrency
    if result["webhook_subscriptions"] is None:
        result["webhook_subscriptions"] = DEFAULT_SUBSCRIPTIONS
    return result
