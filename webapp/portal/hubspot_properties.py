"""The properties our app keeps on HubSpot records, and creating them in a portal.

Each portal records which property set it has (installations.property_set). A release that
adds properties, or options to one, raises PROPERTY_SET; the next time the portal is used,
the missing properties are created and the options brought up to date. Both are idempotent:
what is already as defined is left alone.
"""

from __future__ import annotations

from ..clients.errors import Conflict
from ..clients.hubspot import HubSpotClient

# 2: the deal sync's statuses, order number, invoice date and amount; 3: the "held" status
PROPERTY_SET = 3
GROUP = {"name": "tripletex_sync", "label": "Tripletex Sync", "displayOrder": -1}

# What a deal's Tripletex invoice is at: ordered (an order, no invoice), invoiced (not sent),
# sent, send_failed (charged, but Tripletex could not send it), then the payments' statuses,
# and changed_after_invoicing (the deal's amount or lines changed; nothing re-invoiced).
INVOICE_STATUSES = (
    "ordered",
    "invoiced",
    "sent",
    "send_failed",
    "partly_paid",
    "paid",
    "overdue",
    "credited",
    "changed_after_invoicing",
)
RETIRED_STATUSES = ("draft",)  # set 1 offered it; nothing wrote it. Kept hidden, not removed.
# held: waiting for a fix in HubSpot (a won deal without a delivery date, say), not failed.
SYNC_STATUSES = ("synced", "pending", "failed", "held")


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


def _options(values: tuple[str, ...], hidden: tuple[str, ...] = ()) -> list[dict]:
    # The spec marks `hidden` and `displayOrder` required on an option; send both.
    return [
        {
            "label": v.replace("_", " ").capitalize(),
            "value": v,
            "displayOrder": i,
            "hidden": v in hidden,
        }
        for i, v in enumerate((*values, *hidden))
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
            options=_options(INVOICE_STATUSES, RETIRED_STATUSES),
        ),
        _prop("tripletex_order_number", "Tripletex order number"),
        _prop("tripletex_invoice_date", "Tripletex invoice date", "date", "date"),
        _prop(
            "tripletex_invoice_amount",
            "Tripletex invoice amount incl. VAT (deal currency)",
            "number",
            "number",
        ),
        _prop("tripletex_amount_outstanding", "Tripletex amount outstanding", "number", "number"),
        _prop("tripletex_invoice_due_date", "Tripletex invoice due date", "date", "date"),
        _prop("tripletex_kid", "Tripletex KID"),
        *_sync_status("deal"),
    ],
}


def _values(definition: dict) -> list[tuple[str, bool]]:
    return [(o.get("value"), bool(o.get("hidden"))) for o in definition.get("options") or []]


def ensure_properties(client: HubSpotClient, have: int) -> int:
    """Create whatever of our group and properties the portal lacks; return the set it now has."""
    if have >= PROPERTY_SET:
        return have
    for object_type, definitions in PROPERTIES.items():
        groups = {g["name"] for g in client.list_property_groups(object_type)}
        if GROUP["name"] not in groups:
            _create(client.create_property_group, object_type, GROUP)
        existing = {p["name"]: p for p in client.list_properties(object_type)}
        for definition in definitions:
            if definition["name"] not in existing:
                _create(client.create_property, object_type, definition)
            elif "options" in definition and _values(existing[definition["name"]]) != _values(
                definition
            ):
                client.update_property(
                    object_type, definition["name"], {"options": definition["options"]}
                )
    return PROPERTY_SET


def _create(call, object_type: str, body: dict) -> None:
    try:
        call(object_type, body)
    except Conflict:
        pass  # made by a concurrent install of the same portal; that is what we wanted
