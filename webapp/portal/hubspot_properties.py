"""The properties our app keeps on HubSpot records, and creating them in a portal.

Each portal records which property set it has (installations.property_set). A release that
adds properties raises PROPERTY_SET; the next time the portal is used, the missing ones
are created. Creating is idempotent: what exists already is left alone.
"""

from __future__ import annotations

from ..clients.errors import Conflict
from ..clients.hubspot import HubSpotClient

PROPERTY_SET = 1
GROUP = {"name": "tripletex_sync", "label": "Tripletex Sync", "displayOrder": -1}

INVOICE_STATUSES = ("draft", "sent", "partly_paid", "paid", "overdue", "credited")
SYNC_STATUSES = ("synced", "pending", "failed")


def _prop(name: str, label: str, type_: str = "string", field_type: str = "text", **extra) -> dict:
    return {
        "name": name,
        "label": label,
        "type": type_,
        "fieldType": field_type,
        "groupName": GROUP["name"],
        "formField": False,
        **extra,
    }


def _options(values: tuple[str, ...]) -> list[dict]:
    # The spec marks `hidden` and `displayOrder` required on an option; send both.
    return [
        {"label": v.replace("_", " ").capitalize(), "value": v, "displayOrder": i, "hidden": False}
        for i, v in enumerate(values)
    ]


def _sync_status(object_label: str) -> list[dict]:
    return [
        _prop(
            "tripletex_sync_status",
            f"Tripletex sync status ({object_label})",
            "enumeration",
            "select",
            options=_options(SYNC_STATUSES),
        ),
        _prop("tripletex_sync_error", "Tripletex sync error", field_type="textarea"),
        _prop("tripletex_last_synced", "Last synced with Tripletex", "datetime", "date"),
    ]


# Object type -> property definitions, as HubSpot's properties API takes them.
PROPERTIES: dict[str, list[dict]] = {
    "companies": [
        _prop("tripletex_customer_id", "Tripletex customer id", "number", "number"),
        _prop("tripletex_customer_number", "Tripletex customer number"),
        *_sync_status("company"),
    ],
    "contacts": [
        _prop("tripletex_contact_id", "Tripletex contact id", "number", "number"),
        *_sync_status("contact"),
    ],
    "products": [
        _prop("tripletex_product_id", "Tripletex product id", "number", "number"),
        *_sync_status("product"),
    ],
    "deals": [
        _prop("tripletex_order_id", "Tripletex order id", "number", "number"),
        _prop("tripletex_invoice_id", "Tripletex invoice id", "number", "number"),
        _prop("tripletex_invoice_number", "Tripletex invoice number"),
        _prop(
            "tripletex_invoice_status",
            "Tripletex invoice status",
            "enumeration",
            "select",
            options=_options(INVOICE_STATUSES),
        ),
        _prop("tripletex_amount_outstanding", "Tripletex amount outstanding", "number", "number"),
        _prop("tripletex_invoice_due_date", "Tripletex invoice due date", "date", "date"),
        _prop("tripletex_kid", "Tripletex KID"),
        *_sync_status("deal"),
    ],
}


def ensure_properties(client: HubSpotClient, have: int) -> int:
    """Create whatever of our group and properties the portal lacks; return the set it now has."""
    if have >= PROPERTY_SET:
        return have
    for object_type, definitions in PROPERTIES.items():
        groups = {g["name"] for g in client.list_property_groups(object_type)}
        if GROUP["name"] not in groups:
            _create(client.create_property_group, object_type, GROUP)
        existing = {p["name"] for p in client.list_properties(object_type)}
        for definition in definitions:
            if definition["name"] not in existing:
                _create(client.create_property, object_type, definition)
    return PROPERTY_SET


def _create(call, object_type: str, body: dict) -> None:
    try:
        call(object_type, body)
    except Conflict:
        pass  # made by a concurrent install of the same portal; that is what we wanted
