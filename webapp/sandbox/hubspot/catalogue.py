"""The properties HubSpot defines on each object before anyone customises it.

A realistic slice of each type's default properties, with HubSpot's type and fieldType, the
options of its enumerations, and which values HubSpot computes (read-only). Options that
depend on the account (owners, currencies, pipelines, stages, files) are named by `dynamic`
and filled in from the portal (validation.options).

Sources: the properties guide (https://developers.hubspot.com/docs/api-reference/latest/crm/
properties/guide), the search guide's default contact properties (lastmodifieddate, not
hs_lastmodifieddate: https://developers.hubspot.com/docs/api-reference/2026-03/crm/
search-the-crm), the deal, line-item and note guides, and fidelity-findings B1, B6, B7, B8.
"""

from __future__ import annotations

_S, _N, _DT, _D, _E, _B = "string", "number", "datetime", "date", "enumeration", "bool"

LIFECYCLE_STAGES = [
    ("subscriber", "Subscriber"),
    ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing Qualified Lead"),
    ("salesqualifiedlead", "Sales Qualified Lead"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("evangelist", "Evangelist"),
    ("other", "Other"),
]
LEAD_STATUSES = [
    ("NEW", "New"),
    ("OPEN", "Open"),
    ("IN_PROGRESS", "In Progress"),
    ("OPEN_DEAL", "Open Deal"),
    ("UNQUALIFIED", "Unqualified"),
    ("ATTEMPTED_TO_CONTACT", "Attempted to Contact"),
    ("CONNECTED", "Connected"),
    ("BAD_TIMING", "Bad Timing"),
]
COMPANY_TYPES = [
    ("PROSPECT", "Prospect"),
    ("PARTNER", "Partner"),
    ("RESELLER", "Reseller"),
    ("VENDOR", "Vendor"),
    ("OTHER", "Other"),
]
DEAL_TYPES = [("newbusiness", "New Business"), ("existingbusiness", "Existing Business")]
PRIORITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
PRODUCT_TYPES = [
    ("inventory", "Inventory"),
    ("non_inventory", "Non-Inventory"),
    ("service", "Service"),
]
BOOLEAN = [("true", "Yes"), ("false", "No")]


def _p(name, kind, field_type, label=None, options=None, dynamic=None, read_only=False):
    return {
        "name": name,
        "label": label or name.replace("_", " ").capitalize(),
        "type": kind,
        "fieldType": field_type,
        "options": [
            {"label": lab, "value": value, "displayOrder": order, "hidden": False}
            for order, (value, lab) in enumerate(options or (BOOLEAN if kind == _B else []))
        ],
        "dynamic": dynamic,
        "readOnly": read_only,
        "calculated": read_only,
    }


_OWNER = _p("hubspot_owner_id", _E, "select", "Owner", dynamic="owners")
_MERGED = _p("hs_merged_object_ids", _E, "checkbox", "Merged record IDs", read_only=True)
_ADDRESS = [
    _p("address", _S, "text", "Street address"),
    _p("city", _S, "text", "City"),
    _p("zip", _S, "text", "Postal code"),
    _p("state", _S, "text", "State/Region"),
    _p("country", _S, "text", "Country/Region"),
]

PROPERTIES = {
    "companies": [
        _p("name", _S, "text", "Company name"),
        _p("domain", _S, "text", "Company domain name"),
        _p("phone", _S, "phonenumber", "Phone number"),
        *_ADDRESS,
        _p("website", _S, "text", "Website URL"),
        _p("description", _S, "textarea", "Description"),
        _p("numberofemployees", _N, "number", "Number of employees"),
        _p("annualrevenue", _N, "number", "Annual revenue"),
        _p("type", _E, "select", "Type", COMPANY_TYPES),
        _p("lifecyclestage", _E, "radio", "Lifecycle stage", LIFECYCLE_STAGES),
        _OWNER,
        _MERGED,
    ],
    "contacts": [
        _p("email", _S, "text", "Email"),
        _p("firstname", _S, "text", "First name"),
        _p("lastname", _S, "text", "Last name"),
        _p("phone", _S, "phonenumber", "Phone number"),
        _p("mobilephone", _S, "phonenumber", "Mobile phone number"),
        _p("company", _S, "text", "Company name"),
        _p("jobtitle", _S, "text", "Job title"),
        *_ADDRESS,
        _p("website", _S, "text", "Website URL"),
        _p("lifecyclestage", _E, "radio", "Lifecycle stage", LIFECYCLE_STAGES),
        _p("hs_lead_status", _E, "radio", "Lead status", LEAD_STATUSES),
        _OWNER,
        _MERGED,
    ],
    "deals": [
        _p("dealname", _S, "text", "Deal name"),
        _p("amount", _N, "number", "Amount"),
        _p("closedate", _DT, "date", "Close date"),
        _p("pipeline", _E, "select", "Pipeline", dynamic="pipelines"),
        _p("dealstage", _E, "radio", "Deal stage", dynamic="stages"),
        _p("dealtype", _E, "radio", "Deal type", DEAL_TYPES),
        _p("deal_currency_code", _E, "select", "Currency", dynamic="currencies"),
        _p("description", _S, "textarea", "Deal description"),
        _p("hs_priority", _E, "radio", "Priority", PRIORITIES),
        _OWNER,
        # Computed from the stage's metadata (probability, isClosed).
        _p("hs_deal_stage_probability", _N, "number", "Deal probability", read_only=True),
        _p("hs_is_closed", _B, "booleancheckbox", "Is deal closed?", read_only=True),
        _p("hs_is_closed_won", _B, "booleancheckbox", "Is closed won", read_only=True),
        _p("hs_is_closed_lost", _B, "booleancheckbox", "Is closed lost", read_only=True),
        _MERGED,
    ],
    "products": [
        _p("name", _S, "text", "Name"),
        _p("description", _S, "textarea", "Description"),
        _p("price", _N, "number", "Unit price"),
        _p("hs_sku", _S, "text", "SKU"),
        _p("hs_cost_of_goods_sold", _N, "number", "Unit cost"),
        _p("tax", _N, "number", "Tax"),
        _p("hs_recurring_billing_period", _S, "text", "Term"),
        _p("hs_product_type", _E, "select", "Product type", PRODUCT_TYPES),
    ],
    "line_items": [
        _p("name", _S, "text", "Name"),
        _p("description", _S, "textarea", "Description"),
        _p("quantity", _N, "number", "Quantity"),
        _p("price", _N, "number", "Unit price"),
        _p("discount", _N, "number", "Unit discount"),
        _p("hs_discount_percentage", _N, "number", "Discount percentage"),
        _p("hs_product_id", _S, "text", "Product ID"),
        _p("hs_sku", _S, "text", "SKU"),
        _p("hs_line_item_currency_code", _E, "select", "Currency", dynamic="currencies"),
        _p("hs_recurring_billing_period", _S, "text", "Term"),
        # Computed from price, quantity and discount: "Net price" and its parts.
        _p("hs_pre_discount_amount", _N, "number", "Pre-discount amount", read_only=True),
        _p("hs_total_discount", _N, "number", "Total discount", read_only=True),
        _p("amount", _N, "number", "Net price", read_only=True),
    ],
    "notes": [
        _p("hs_note_body", _S, "html", "Note body"),
        _p("hs_timestamp", _DT, "date", "Activity date"),
        _p("hs_attachment_ids", _E, "checkbox", "Attached file IDs", dynamic="files"),
        _OWNER,
    ],
}

# Every record has these; HubSpot sets them (contacts name their modified date differently).
_MODIFIED = {"contacts": "lastmodifieddate"}


def modified_name(object_type: str) -> str:
    """Return the property holding a record's last-modified time."""
    return _MODIFIED.get(object_type, "hs_lastmodifieddate")


def system_properties(object_type: str) -> list[dict]:
    return [
        _p("hs_object_id", _N, "number", "Record ID", read_only=True),
        _p("createdate", _DT, "date", "Create date", read_only=True),
        _p(modified_name(object_type), _DT, "date", "Last modified date", read_only=True),
    ]
