"""A won HubSpot deal and its line items as a Tripletex order. Pure.

Every line carries its VAT type explicitly: Tripletex charges 0 % on a line without one,
silently. Prices are HubSpot's unit prices (excluding VAT unless the portal says its prices
include it), in the deal's currency; a discount given as an amount becomes the percentage
Tripletex takes. The order's `reference` carries a marker naming the deal, by which the order
is found again after a lost answer (Tripletex has no idempotency key).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ...portal.problems import Problem
from ...timeutil import OSLO

DEAL_PROPERTIES = (
    "dealname",
    "amount",
    "closedate",
    "pipeline",
    "dealstage",
    "deal_currency_code",
)
LINE_PROPERTIES = (
    "name",
    "description",
    "quantity",
    "price",
    "discount",
    "hs_discount_percentage",
    "hs_product_id",
    "hs_sku",
    "hs_line_item_currency_code",
)
MARKER = "HubSpot deal {id}"  # in the order's reference; matched exactly, never a part
CENT = Decimal("0.01")


def marker(deal_id: str) -> str:
    return MARKER.format(id=deal_id)


@dataclass(frozen=True)
class Line:
    """A line as the order needs it: what it sells, how many, at what price and VAT."""

    hubspot_id: str
    description: str
    count: Decimal
    unit_price: Decimal
    discount: Decimal  # percent
    product_id: int | None
    vat_type_id: int


@dataclass(frozen=True)
class Order:
    deal_id: str
    name: str
    payload: dict
    problems: tuple[Problem, ...] = ()

    @property
    def held(self) -> bool:
        return bool(self.problems)

    @property
    def hash(self) -> str:
        """What was invoiced: a change after that is flagged, never invoiced again."""
        return hashlib.sha256(json.dumps(self.payload, sort_keys=True).encode()).hexdigest()


def fingerprint(deal: dict, items: list[dict]) -> str:
    """What of the deal an invoice is made from (its amount, currency and line items, as
    HubSpot holds them): a change after invoicing is flagged, never invoiced again."""
    props = deal.get("properties") or {}
    held = {
        "amount": str(props.get("amount") or ""),
        "currency": str(props.get("deal_currency_code") or ""),
        "lines": sorted(
            [
                str((item.get("properties") or {}).get(name) or "")
                for name in ("hs_product_id", "name", "quantity", "price", "discount")
            ]
            + [str((item.get("properties") or {}).get("hs_discount_percentage") or "")]
            for item in items
        ),
    }
    return hashlib.sha256(json.dumps(held, sort_keys=True).encode()).hexdigest()


def calendar_date(value) -> date | None:
    """A HubSpot date or datetime property as Oslo's calendar date: a datetime is an instant
    (UTC), a date property midnight UTC of its day, which is the same day in Oslo."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if text.isdigit():  # milliseconds, as some API versions and webhooks send
            moment = datetime.fromtimestamp(int(text) / 1000, tz=OSLO)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(OSLO).date()


def number(value) -> Decimal | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        found = Decimal(text)
    except InvalidOperation:
        return None
    return found if found.is_finite() else None


def discount_percent(price: Decimal, props: dict) -> Decimal | None:
    """HubSpot's percentage if set, else its per-unit amount as a share of the unit price;
    None when it cannot be a discount (negative, or more than the price)."""
    percent = number(props.get("hs_discount_percentage"))
    if percent is not None:
        return percent if 0 <= percent <= 100 else None
    amount = number(props.get("discount"))
    if amount is None or amount == 0:
        return Decimal(0)
    if price <= 0 or amount < 0 or amount > price:
        return None
    return (amount / price * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def to_line(
    item: dict, product: dict | None, default_vat_type: int
) -> tuple[Line | None, Problem | None]:
    """One line item as an order line; `product` is its Tripletex product ({id, vatType}) or
    None for a free-text line, which gets the portal's default VAT type."""
    props = item.get("properties") or {}
    hid = str(item["id"])
    name = str(props.get("name") or "").strip() or hid
    count = number(props.get("quantity"))
    price = number(props.get("price"))
    if count is None or count <= 0:
        return None, Problem(
            "line_quantity_invalid", {"line": name, "value": props.get("quantity")}
        )
    if price is None or price < 0:
        return None, Problem("line_price_invalid", {"line": name, "value": props.get("price")})
    discount = discount_percent(price, props)
    if discount is None:
        return None, Problem("line_discount_invalid", {"line": name})
    vat = ((product or {}).get("vatType") or {}).get("id")
    description = str(props.get("description") or "").strip() or name
    return (
        Line(
            hid,
            description,
            count,
            price.quantize(CENT, rounding=ROUND_HALF_UP),
            discount,
            product["id"] if product else None,
            vat if vat is not None else default_vat_type,
        ),
        None,
    )


def to_order(
    deal: dict,
    lines: list[Line],
    *,
    customer_id: int,
    currency_id: int,
    order_date: date,
    delivery_date: date,
    prices_include_vat: bool = False,
) -> Order:
    props = deal.get("properties") or {}
    deal_id = str(deal["id"])
    price_field = (
        "unitPriceIncludingVatCurrency" if prices_include_vat else "unitPriceExcludingVatCurrency"
    )
    payload = {
        "customer": {"id": customer_id},
        "orderDate": order_date.isoformat(),
        "deliveryDate": delivery_date.isoformat(),
        "currency": {"id": currency_id},
        "reference": marker(deal_id),
        "isPrioritizeAmountsIncludingVat": prices_include_vat,
        "orderLines": [
            {
                **({"product": {"id": line.product_id}} if line.product_id else {}),
                "description": line.description,
                "count": float(line.count),
                price_field: float(line.unit_price),
                "discount": float(line.discount),
                "vatType": {"id": line.vat_type_id},
            }
            for line in lines
        ],
    }
    return Order(deal_id, str(props.get("dealname") or deal_id), payload)
