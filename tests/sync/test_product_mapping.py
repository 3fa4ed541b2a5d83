"""A HubSpot product as a Tripletex product: its number's property, its price's currency,
and what a product chosen by hand keeps. Pure."""

from __future__ import annotations

from webapp.sync.mapping.product import changes, to_product


def product(**properties) -> dict:
    return {"id": "77", "properties": properties}


def test_the_number_comes_from_the_property_named():
    item = product(name="Lisens", hs_sku="SKU-1", varenummer="V-1")
    assert to_product(item).number == "SKU-1"
    assert to_product(item, "varenummer").number == "V-1"
    assert to_product(product(name="Lisens"), "varenummer").number == ""


def test_a_price_goes_with_its_currency_and_no_price_sends_none():
    priced = to_product(product(name="Lisens", price="120"), currency_id=5)
    assert priced.payload["currency"] == {"id": 5}
    assert "currency" not in to_product(product(name="Lisens"), currency_id=5).payload


def test_a_product_in_another_currency_is_changed_with_its_price():
    draft = to_product(product(name="Lisens", price="120"), currency_id=5)
    current = {"name": "Lisens", "priceExcludingVatCurrency": 120, "currency": {"id": 1}}
    assert changes(draft, current) == {"currency": {"id": 5}}
    assert changes(draft, dict(current, currency={"id": 5, "url": "…"})) == {}


def test_a_product_chosen_by_hand_keeps_tripletexs_number():
    draft = to_product(product(name="Lisens", hs_sku="SKU-1", price="120"), currency_id=1)
    current = {"name": "Lisens", "number": "T-9", "priceExcludingVatCurrency": 100.0}
    assert changes(draft, current, keep_number=True) == {
        "priceExcludingVatCurrency": 120.0,
        "currency": {"id": 1},
    }
    assert changes(draft, current)["number"] == "SKU-1"
