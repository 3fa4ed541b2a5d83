"""A HubSpot product as a Tripletex product."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ...portal.problems import Problem

# The product number comes from the property the settings name (HubSpot's SKU by default).
PROPERTIES = ("name", "price", "description")
# What a change is judged by; the VAT type is set on create only (the accountant's to change).
# The currency goes with the price: HubSpot's price is in the portal's company currency.
COMPARED = ("name", "number", "priceExcludingVatCurrency", "currency", "description")


@dataclass(frozen=True)
class Product:
    hubspot_id: str
    name: str
    payload: dict  # the compared fields; empty values left out
    problems: tuple[Problem, ...] = ()

    @property
    def held(self) -> bool:
        return bool(self.problems)

    @property
    def number(self) -> str:
        return self.payload.get("number", "")

    @property
    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.payload, sort_keys=True).encode()).hexdigest()

    def create_payload(self, vat_type_id: int) -> dict:
        return dict(self.payload, vatType={"id": vat_type_id})


def to_product(
    product: dict, number_property: str = "hs_sku", currency_id: int | None = None
) -> Product:
    """Map one product (as HubSpot's API returns it). `currency_id` is the Tripletex id of the
    currency HubSpot's prices are in (the portal's company currency)."""
    props = product.get("properties") or {}
    hubspot_id = str(product["id"])
    name = _text(props.get("name"))
    payload: dict = {}
    problems = []
    if name:
        payload["name"] = name
    else:
        problems.append(Problem("product_without_name", {"product": hubspot_id}))
    if sku := _text(props.get(number_property)):
        payload["number"] = sku
    raw = _text(props.get("price"))
    if raw:
        try:
            price = round(float(raw), 2)
        except ValueError:
            price = None
        if price is None or price < 0 or price != price:  # NaN
            problems.append(Problem("product_price_invalid", {"product": name, "value": raw}))
        else:
            payload["priceExcludingVatCurrency"] = price
            if currency_id is not None:
                payload["currency"] = {"id": currency_id}
    if description := _text(props.get("description")):
        payload["description"] = description
    return Product(hubspot_id, name or hubspot_id, payload, tuple(problems))


def changes(product: Product, current: dict, *, keep_number: bool = False) -> dict:
    """What differs from the Tripletex product `current`; empty values never clear Tripletex's.
    A product a person chose by hand keeps Tripletex's number (`keep_number`): the two
    numbers differ, which is why it was chosen."""
    return {
        key: value
        for key, value in product.payload.items()
        if key in COMPARED
        and not (keep_number and key == "number")
        and value != _current(current, key)
    }


def _current(current: dict, key: str):
    value = current.get(key)
    if key == "priceExcludingVatCurrency":
        return round(float(value or 0), 2)
    if key == "currency":
        return {"id": value["id"]} if isinstance(value, dict) and "id" in value else None
    return value or ""


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
