"""What HubSpot defines before anyone customises it: object types, properties, scopes, labels."""

from __future__ import annotations

from . import catalogue

# plural name -> (objectTypeId, singular name used by webhooks and association labels)
OBJECT_TYPES = {
    "contacts": ("0-1", "contact"),
    "companies": ("0-2", "company"),
    "deals": ("0-3", "deal"),
    "products": ("0-7", "product"),
    "line_items": ("0-8", "line_item"),
    "notes": ("0-46", "note"),
}
_ALIASES = {
    alias: plural
    for plural, (type_id, singular) in OBJECT_TYPES.items()
    for alias in (plural, type_id, singular)
}
_ALIASES["lineitems"] = "line_items"


def canonical_type(name: str) -> str | None:
    """Return the plural type name for a name, singular or objectTypeId, or None."""
    return _ALIASES.get(name.lower()) if name else None


def type_id(object_type: str) -> str:
    return OBJECT_TYPES[object_type][0]


# Returned when a read names no properties [SPEC-CONTACTS description], with the system ones.
DEFAULT_PROPERTIES = {
    "companies": ["name", "domain"],
    "contacts": ["firstname", "lastname", "email"],
    "deals": ["dealname", "amount", "closedate", "pipeline", "dealstage"],
    "products": ["name", "description", "price"],
    "line_items": ["name", "quantity", "price", "hs_product_id"],
    "notes": ["hs_note_body", "hs_timestamp"],
}


def system_names(object_type: str) -> list[str]:
    """Return the properties every record of a type carries: id, created, last modified."""
    return ["hs_object_id", "createdate", catalogue.modified_name(object_type)]


# Unique without a hasUniqueValue flag: HubSpot de-duplicates contacts by e-mail.
IMPLICIT_UNIQUE = {"contacts": {"email"}}
# Custom unique identifiers exist for contacts, companies, deals (and tickets and custom
# objects, which the sandbox lacks), not for products or line items [MIR-CRM-UNDERSTANDING],
# at most ten per object (properties guide).
UNIQUE_CAPABLE = {"contacts", "companies", "deals"}
MAX_UNIQUE = 10
# HubSpot merges these through /merge (the 2026-03 specs of contacts, companies and deals).
MERGEABLE = {"contacts", "companies", "deals"}

# Accepted scopes (any one suffices) per type and access, from the specs' security blocks.
_ECOM = ["e-commerce"]
OBJECT_SCOPES = {
    "companies": (["crm.objects.companies.read"], ["crm.objects.companies.write"]),
    "contacts": (["crm.objects.contacts.read"], ["crm.objects.contacts.write"]),
    "deals": (["crm.objects.deals.read"], ["crm.objects.deals.write"]),
    "products": (["crm.objects.products.read"] + _ECOM, ["crm.objects.products.write"] + _ECOM),
    "line_items": (
        ["crm.objects.line_items.read"] + _ECOM,
        ["crm.objects.line_items.write"] + _ECOM,
    ),
    "notes": (["crm.objects.contacts.read"], ["crm.objects.contacts.write"]),
}
SCHEMA_WRITE_SCOPES = {
    "companies": ["crm.schemas.companies.write"],
    "contacts": ["crm.schemas.contacts.write"],
    "deals": ["crm.schemas.deals.write"],
    "products": _ECOM,
    "line_items": _ECOM,
    "notes": ["crm.schemas.contacts.write"],
}


def read_scopes(object_type: str) -> list[str]:
    return OBJECT_SCOPES[object_type][0]


def write_scopes(object_type: str) -> list[str]:
    return OBJECT_SCOPES[object_type][1]


def schema_read_scopes(object_type: str) -> list[str]:
    singular = OBJECT_TYPES[object_type][1]
    return read_scopes(object_type) + [
        f"crm.schemas.{singular}s.read".replace("companys", "companies")
    ]


# HUBSPOT_DEFINED association types: (from, to, typeId, label or None, inverse typeId).
_ASSOCIATIONS = [
    ("contacts", "companies", 279, None, 280),
    ("contacts", "companies", 1, "Primary", 2),
    ("deals", "contacts", 3, None, 4),
    ("deals", "companies", 341, None, 342),
    ("deals", "companies", 5, "Primary", 6),
    ("deals", "line_items", 19, None, 20),
    ("notes", "contacts", 202, None, 201),
    ("notes", "companies", 190, None, 189),
    ("notes", "deals", 214, None, 213),
]
ASSOCIATION_TYPES: dict[int, tuple[str, str, str | None, int]] = {}
for _from, _to, _id, _label, _inverse in _ASSOCIATIONS:
    ASSOCIATION_TYPES[_id] = (_from, _to, _label, _inverse)
    ASSOCIATION_TYPES[_inverse] = (_to, _from, _label, _id)


def default_association(from_type: str, to_type: str) -> int | None:
    """Return the unlabelled HUBSPOT_DEFINED type id between two object types."""
    for type_id_, (source, target, label, _) in ASSOCIATION_TYPES.items():
        if source == from_type and target == to_type and label is None:
            return type_id_
    return None


def association_name(type_id_: int) -> str:
    """Return the name HubSpot gives an association type, e.g. contact_to_company_unlabeled."""
    source, target, label, _ = ASSOCIATION_TYPES[type_id_]
    name = f"{OBJECT_TYPES[source][1]}_to_{OBJECT_TYPES[target][1]}"
    has_primary = any(
        s == source and t == target and lab for s, t, lab, _ in ASSOCIATION_TYPES.values()
    )
    return name + "_unlabeled" if has_primary and not label else name
