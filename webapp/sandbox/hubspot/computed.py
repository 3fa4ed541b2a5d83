"""Values HubSpot computes from others: a line item's net price, a deal's closed flags.

A line item's `amount` is its net price: price × quantity less its discount, either
`hs_discount_percentage` of it or `discount` (a unit discount, times the quantity; the
`line_item_discount_per_unit` setting makes it one amount for the whole line instead), with
`hs_pre_discount_amount` and `hs_total_discount` beside it; none of them can be written
(fidelity-findings B7; line items guide). A deal's `amount` is what its owner typed: HubSpot
does not roll line items up into it. A deal's `hs_is_closed_won`, `hs_is_closed`,
`hs_is_closed_lost` and `hs_deal_stage_probability` follow its stage's metadata.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from . import pipelines_data
from .state import Portal

LINE_ITEM = ("hs_pre_discount_amount", "hs_total_discount", "amount")
DEAL = ("hs_deal_stage_probability", "hs_is_closed", "hs_is_closed_won", "hs_is_closed_lost")


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def number(value: Decimal) -> str:
    """Write a computed number as HubSpot does: no exponent, no trailing zeros."""
    text = format(value.quantize(Decimal("0.000001")).normalize(), "f")
    return "0" if text in ("-0", "") else text


def line_item(values: dict, per_unit: bool = True) -> dict:
    """Return the computed line-item values for these properties ('' where unknown)."""
    price, quantity = _decimal(values.get("price")), _decimal(values.get("quantity"))
    if price is None or quantity is None:
        return dict.fromkeys(LINE_ITEM, "")
    gross = price * quantity
    percent, unit = _decimal(values.get("hs_discount_percentage")), _decimal(values.get("discount"))
    if percent is not None:
        discount = gross * percent / 100
    elif unit is not None:
        discount = unit * quantity if per_unit else unit
    else:
        discount = Decimal(0)
    return {
        "hs_pre_discount_amount": number(gross),
        "hs_total_discount": number(discount),
        "amount": number(gross - discount),
    }


def deal(portal: Portal, values: dict) -> dict:
    """Return a deal's stage-derived values ('' when its stage is unknown)."""
    stage = pipelines_data.find_stage(
        portal, values.get("pipeline") or "default", values.get("dealstage") or ""
    )
    if stage is None:
        return dict.fromkeys(DEAL, "")
    probability = stage["metadata"].get("probability", "")
    closed = stage["metadata"].get("isClosed") == "true"
    chance = _decimal(probability)
    return {
        "hs_deal_stage_probability": probability,
        "hs_is_closed": "true" if closed else "false",
        "hs_is_closed_won": "true" if closed and chance == 1 else "false",
        "hs_is_closed_lost": "true" if closed and chance == 0 else "false",
    }


def closes(portal: Portal, before: dict, after: dict) -> bool:
    """Whether a person's stage change sets the deal's close date to now: HubSpot does so when
    "a user moves a deal into a closed-won or a closed-lost deal stage", also from won to
    lost and back, but not from one won (or lost) stage to another
    (knowledge.hubspot.com/crm-deals/hubspots-default-deal-properties)."""
    was, now = deal(portal, before), deal(portal, after)
    if now["hs_is_closed"] != "true":
        return False
    return was["hs_is_closed"] != "true" or was["hs_is_closed_won"] != now["hs_is_closed_won"]


def derived(sandbox, portal: Portal, object_type: str, values: dict) -> dict:
    """Return what HubSpot computes for a record with these properties."""
    if object_type == "line_items":
        return line_item(values, bool(sandbox.settings["line_item_discount_per_unit"]))
    if object_type == "deals":
        return deal(portal, values)
    return {}
