"""A won deal and its line items as a Tripletex order. Pure: records as HubSpot's API returns
them, products as Tripletex does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from webapp.sync.mapping.order import (
    calendar_date,
    discount_percent,
    marker,
    to_line,
    to_order,
)

DEFAULT_VAT = 301  # the company's own id for code 3; ids are not the codes
PRODUCT = {"id": 55, "vatType": {"id": 333}}


def item(hubspot_id="9", **properties):
    return {"id": hubspot_id, "properties": properties}


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-11-30T23:30:00Z", date(2026, 12, 1)),  # half past midnight in Oslo
        ("2026-06-30T22:30:00.000Z", date(2026, 7, 1)),  # summer time: UTC+2
        ("2026-11-30", date(2026, 11, 30)),  # a date property is its own day
        ("1796083200000", date(2026, 12, 1)),  # milliseconds: 2026-12-01T00:00Z
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_hubspot_dates_become_oslo_calendar_dates(value, day):
    assert calendar_date(value) == day


def test_a_product_line_takes_the_products_vat_type_and_a_free_text_line_the_default():
    line, problem = to_line(item(name="Konsulenttime", quantity="3", price="1450"), PRODUCT, 301)
    assert problem is None
    assert (line.product_id, line.vat_type_id, line.count, line.unit_price) == (
        55,
        333,
        Decimal(3),
        Decimal("1450.00"),
    )
    free, _ = to_line(item(name="Frakt", quantity="1", price="250"), None, DEFAULT_VAT)
    assert (free.product_id, free.vat_type_id) == (None, DEFAULT_VAT)  # never 0 % by omission


def test_a_product_without_a_vat_type_gets_the_default():
    line, _ = to_line(item(name="X", quantity="1", price="1"), {"id": 7}, DEFAULT_VAT)
    assert line.vat_type_id == DEFAULT_VAT


@pytest.mark.parametrize(
    ("props", "percent"),
    [
        ({"hs_discount_percentage": "10"}, Decimal(10)),
        ({"discount": "150", "price": "1000"}, Decimal("15.0000")),  # an amount per unit
        ({"discount": "1", "price": "3"}, Decimal("33.3333")),
        ({"discount": "0"}, Decimal(0)),
        ({}, Decimal(0)),
        ({"hs_discount_percentage": "120"}, None),
        ({"discount": "2000", "price": "1000"}, None),
        ({"discount": "-5", "price": "1000"}, None),
    ],
)
def test_a_discount_is_a_percentage_however_hubspot_holds_it(props, percent):
    assert discount_percent(Decimal(props.get("price", "1000")), props) == percent


@pytest.mark.parametrize(
    ("props", "kind"),
    [
        ({"quantity": "0", "price": "1"}, "line_quantity_invalid"),
        ({"quantity": "two", "price": "1"}, "line_quantity_invalid"),
        ({"quantity": "1", "price": "-1"}, "line_price_invalid"),
        ({"quantity": "1", "price": "NaN"}, "line_price_invalid"),
        ({"quantity": "1", "price": "10", "discount": "20"}, "line_discount_invalid"),
    ],
)
def test_a_line_tripletex_could_not_take_is_a_problem_naming_it(props, kind):
    line, problem = to_line(item(name="Lisens", **props), None, DEFAULT_VAT)
    assert line is None and problem.kind == kind and problem.detail["line"] == "Lisens"


def test_the_order_names_the_deal_in_its_reference_and_sends_every_vat_type():
    deal = {"id": "8123", "properties": {"dealname": "Fjordkraft rammeavtale"}}
    lines = [
        to_line(item("1", name="Konsulenttime", quantity="2", price="1450"), PRODUCT, 301)[0],
        to_line(item("2", name="Frakt", quantity="1", price="250", discount="50"), None, 301)[0],
    ]
    order = to_order(
        deal,
        lines,
        customer_id=4,
        currency_id=5,
        order_date=date(2026, 12, 1),
        delivery_date=date(2026, 11, 30),
    )
    assert order.payload == {
        "customer": {"id": 4},
        "orderDate": "2026-12-01",
        "deliveryDate": "2026-11-30",
        "currency": {"id": 5},
        "reference": "HubSpot deal 8123",
        "isPrioritizeAmountsIncludingVat": False,
        "orderLines": [
            {
                "product": {"id": 55},
                "description": "Konsulenttime",
                "count": 2.0,
                "unitPriceExcludingVatCurrency": 1450.0,
                "discount": 0.0,
                "vatType": {"id": 333},
            },
            {
                "description": "Frakt",
                "count": 1.0,
                "unitPriceExcludingVatCurrency": 250.0,
                "discount": 20.0,
                "vatType": {"id": 301},
            },
        ],
    }
    including = to_order(
        deal,
        lines[:1],
        customer_id=4,
        currency_id=1,
        order_date=date(2026, 12, 1),
        delivery_date=date(2026, 12, 1),
        prices_include_vat=True,
    )
    assert marker("8123") == order.payload["reference"]
    assert including.payload["isPrioritizeAmountsIncludingVat"] is True
    assert "unitPriceIncludingVatCurrency" in including.payload["orderLines"][0]
    assert "unitPriceExcludingVatCurrency" not in including.payload["orderLines"][0]
    assert including.hash != order.hash
