"""The webhook subscriptions the sync needs, as the project's webhooks-hsmeta.json declares them.

HubSpot has no wildcard for property changes: every property the mapping reads gets a
subscription of its own, and a test keeps hubspot/src/app/webhooks/webhooks-hsmeta.json equal
to `document()`. A property a portal's settings name instead of the default (organisation
number, e-mail, currency, product number) is not subscribed to: subscriptions are the app's,
not a portal's. Reconciliation picks its changes up instead.
"""

from __future__ import annotations

from .mapping import contact, customer, product
from .settings import SyncSettings

# HubSpot object type (singular, as subscriptions name it) -> the properties the sync reads.
WATCHED: dict[str, tuple[str, ...]] = {
    "company": (*customer.PROPERTIES, SyncSettings().org_number_property),
    "contact": contact.PROPERTIES,
    "product": (*product.PROPERTIES, SyncSettings().product_number_property),
}
# Which lifecycle events each type sends; products have no associations to follow.
LIFECYCLE: dict[str, tuple[str, ...]] = {
    "company": ("creation", "deletion", "merge", "restore"),
    "contact": ("creation", "deletion", "merge", "restore", "associationChange"),
    "product": ("creation", "deletion", "restore"),
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
