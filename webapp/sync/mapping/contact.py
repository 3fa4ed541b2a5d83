"""A HubSpot contact as a Tripletex contact on its company's customer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

PROPERTIES = ("firstname", "lastname", "email", "phone", "mobilephone")
COMPARED = ("firstName", "lastName", "email", "phoneNumberMobile", "phoneNumberWork")
PRIMARY = "contact_to_company"  # HubSpot's primary company; others are `..._unlabeled`


@dataclass(frozen=True)
class Contact:
    hubspot_id: str
    name: str  # for messages
    payload: dict  # the compared fields and the customer; empty values left out
    identifiers: dict

    @property
    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.payload, sort_keys=True).encode()).hexdigest()

    @property
    def customer_id(self) -> int:
        return self.payload["customer"]["id"]


def primary_company(contact: dict) -> str | None:
    """The company a contact belongs to in Tripletex: its primary one, else the lowest id
    (a Tripletex contact has one customer)."""
    results = ((contact.get("associations") or {}).get("companies") or {}).get("results") or []
    ids = [str(r["id"]) for r in results if r.get("type") == PRIMARY] or sorted(
        {str(r["id"]) for r in results if r.get("id")}, key=lambda i: (len(i), i)
    )
    return ids[0] if ids else None


def to_contact(contact: dict, customer_id: int) -> Contact:
    props = contact.get("properties") or {}
    first, last = _text(props.get("firstname")), _text(props.get("lastname"))
    email = _text(props.get("email"))
    payload: dict = {"customer": {"id": customer_id}}
    for key, value in (
        ("firstName", first),
        ("lastName", last),
        ("email", email),
        ("phoneNumberMobile", _text(props.get("mobilephone")) or _text(props.get("phone"))),
        ("phoneNumberWork", _text(props.get("phone")) if props.get("mobilephone") else ""),
    ):
        if value:
            payload[key] = value
    name = " ".join(p for p in (first, last) if p) or email or str(contact["id"])
    identifiers = {k: payload[k] for k in ("firstName", "lastName", "email") if k in payload}
    return Contact(str(contact["id"]), name, payload, dict(identifiers, customer=customer_id))


def changes(contact: Contact, current: dict) -> dict:
    """What differs from the Tripletex contact `current`, as a PUT (empty values never clear
    Tripletex's); a contact whose company changed moves to the new customer."""
    update = {
        key: contact.payload[key]
        for key in COMPARED
        if key in contact.payload and contact.payload[key] != (current.get(key) or "")
    }
    if (current.get("customer") or {}).get("id") != contact.customer_id:
        update["customer"] = {"id": contact.customer_id}
    return update


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
