"""The webhook subscriptions the sync needs, as the project's webhooks-hsmeta.json declares them.

HubSpot has no wildcard for property changes: every property the mapping reads gets a
subscription of its own, and a test keeps hubspot/src/app/webhooks/webhooks-hsmeta.json equal
to `document()`. A property a portal's settings name instead of the default (organisation
number, e-mail, currency, product number) is not subscribed to: subscriptions are the app's,
not a portal's. Reconciliation picks its changes up instead.
"""

from __future__ import annotations

from .mapping import contact, customer, order, product
from .settings import SyncSettings

# HubSpot object type (singular, as subscriptions name it) -> the properties the sync reads.
WATCHED: dict[str, tuple[str, ...]] = {
    "company": (*customer.PROPERTIES, SyncSettings().org_number_property),
    "contact": contact.PROPERTIES,
    "product": (*product.PROPERTIES, SyncSettings().product_number_property),
    # A deal's stage, pipeline, dates and currency; its lines' own changes (a new quantity
    # after invoicing is flagged). The delivery-date property a portal names instead of the
    # close date is picked up by reconciliation, like the other named properties.
    "deal": order.DEAL_PROPERTIES,
    "line_item": tuple(p for p in order.LINE_PROPERTIES if p != "hs_line_item_currency_code"),
}
# Which lifecycle events each type sends; products have no associations to follow.
LIFECYCLE: dict[str, tuple[str, ...]] = {
    "company": ("creation", "deletion", "merge", "restore"),
    "contact": ("creation", "deletion", "merge", "restore", "associationChange"),
    "product": ("creation", "deletion", "restore"),
    # A line item added to or taken off a deal arrives as the deal's association change.
    "deal": ("creation", "deletion", "merge", "restore", "associationChange"),
    "line_item": (),
}
PLACEHOLDER_URL = "https://sync.example.com"  # hubspot/configure.py puts the real one in
PATH = "/hubspot/webhooks"


def document(base_url: str = PLACEHOLDER_URL) -> dict:
    """The webhooks component, with its target at `base_url`."""
    crm = []
    for object_type, events in LIFECYCLE.items():
        crm += [
            {"subscriptionType": f"object.{event}", "objectType": object_type, "active": True}
            for event in events
        ]
        crm += [
            {
                "subscriptionType": "object.propertyChange",
                "objectType": object_type,
                "propertyName": name,
                "active": True,
            }
            for name in WATCHED[object_type]
        ]
    return {
        "uid": "webhooks",
        "type": "webhooks",
        "config": {
            "settings": {"targetUrl": base_url + PATH, "maxConcurrentRequests": 10},
            "subscriptions": {
                "crmObjects": crm,
                # Required for a Marketplace listing: privacy deletions must be handled.
                "hubEvents": [{"subscriptionType": "contact.privacyDeletion", "active": True}],
            },
        },
    }
