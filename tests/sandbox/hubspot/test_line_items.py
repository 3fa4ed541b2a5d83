"""Line items: a computed, read-only net price; no negative prices; one deal each.

Sources: "The price specified within the properties field cannot be negative" and "Line items
belong to one single parent object" (line items guide: https://developers.hubspot.com/docs/
api-reference/latest/crm/objects/line-items/guide); fidelity-findings B4 and B7; HubSpot's
line item properties `discount` ("Unit discount"), `hs_discount_percentage`,
`hs_pre_discount_amount`, `hs_total_discount` and `amount` ("Net price"). A deal's amount is
what its owner typed: HubSpot does not roll line items up into it (issue item 12).
"""

import pytest
import requests

O = "/crm/objects/2026-03"


def _item(hs, **props):
    reply = hs.post(f"{O}/line_items", json={"properties": {"name": "L", **props}})
    assert reply.status_code == 201, reply.text
    return reply.json()


@pytest.mark.parametrize(
    "props,pre,discount,net",
    [
        ({"price": "100", "quantity": "3"}, "300", "0", "300"),
        ({"price": "100", "quantity": "3", "hs_discount_percentage": "10"}, "300", "30", "270"),
        ({"price": "100", "quantity": "3", "discount": "15"}, "300", "45", "255"),
        (
            {"price": "99.5", "quantity": "2", "hs_discount_percentage": "12.5"},
            "199",
            "24.875",
            "174.125",
        ),
    ],
)
def test_the_amount_is_price_times_quantity_less_the_discount(hs, props, pre, discount, net):
    """amount is the net price: price x quantity less the discount (B7)."""
    item = _item(hs, **props)["properties"]
    assert (item["hs_pre_discount_amount"], item["hs_total_discount"], item["amount"]) == (
        pre,
        discount,
        net,
    )


def test_the_amount_follows_changes_and_cannot_be_written(hs):
    item = _item(hs, price="100", quantity="2")
    changed = hs.patch(f"{O}/line_items/{item['id']}", json={"properties": {"quantity": "5"}})
    assert changed.json()["properties"]["amount"] == "500"
    for name in ("amount", "hs_total_discount", "hs_pre_discount_amount"):
        refused = hs.patch(f"{O}/line_items/{item['id']}", json={"properties": {name: "1"}})
        assert (
            refused.status_code == 400 and refused.json()["errors"][0]["code"] == "READ_ONLY_VALUE"
        )
    assert (
        hs.get(f"{O}/line_items/{item['id']}?properties=amount").json()["properties"]["amount"]
        == "500"
    )


def test_a_unit_discount_can_be_a_whole_line_discount_by_setting(hs, base):
    requests.post(f"{base}/_sandbox/settings", json={"lineItemDiscountPerUnit": False})
    item = _item(hs, price="100", quantity="3", discount="15")["properties"]
    assert (item["hs_total_discount"], item["amount"]) == ("15", "285")


def test_prices_cannot_be_negative(hs):
    """ "The price specified within the properties field cannot be negative" (line items guide)."""
    refused = hs.post(
        f"{O}/line_items", json={"properties": {"name": "L", "price": "-100", "quantity": "1"}}
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["context"] == {
        "propertyName": ["price"]
    }
    item = _item(hs, price="1", quantity="1")
    assert (
        hs.patch(f"{O}/line_items/{item['id']}", json={"properties": {"price": -1}}).status_code
        == 400
    )


def test_a_line_item_belongs_to_one_deal(hs):
    """ "Line items belong to one single parent object" (line items guide; B4)."""
    first, second = [d["id"] for d in hs.get(f"{O}/deals?limit=2").json()["results"]]
    item = _item(hs, price="10", quantity="1")["id"]
    assert hs.put(f"{O}/line_items/{item}/associations/default/deals/{first}").status_code == 200
    again = hs.put(f"{O}/line_items/{item}/associations/default/deals/{first}")
    assert again.status_code == 200  # the same deal again is fine
    other = hs.put(f"{O}/line_items/{item}/associations/default/deals/{second}")
    assert (
        other.status_code == 400 and f"already belongs to deal {first}" in other.json()["message"]
    )
    backwards = hs.put(
        f"{O}/deals/{second}/associations/line_items/{item}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 19}],
    )
    assert backwards.status_code == 400
    assert [
        r["toObjectId"]
        for r in hs.get(f"{O}/line_items/{item}/associations/deals").json()["results"]
    ] == [first]
    two = hs.post(
        f"{O}/line_items",
        json={
            "properties": {"name": "L", "price": "1", "quantity": "1"},
            "associations": [
                {
                    "to": {"id": d},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20}],
                }
                for d in (first, second)
            ],
        },
    )
    assert two.status_code == 400


def test_a_deals_amount_is_not_the_sum_of_its_lines_and_it_says_if_it_is_won(hs):
    deal = hs.post(
        f"{O}/deals",
        json={"properties": {"dealname": "D", "amount": "1000", "dealstage": "closedwon"}},
    ).json()
    hs.post(
        f"{O}/line_items",
        json={
            "properties": {"name": "L", "price": "300", "quantity": "2"},
            "associations": [
                {
                    "to": {"id": deal["id"]},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20}],
                }
            ],
        },
    )
    read = hs.get(
        f"{O}/deals/{deal['id']}?properties=amount,hs_is_closed_won,hs_is_closed_lost"
    ).json()
    assert (read["properties"]["amount"], read["properties"]["hs_is_closed_won"]) == (
        "1000",
        "true",
    )
    lost = hs.patch(f"{O}/deals/{deal['id']}", json={"properties": {"dealstage": "closedlost"}})
    assert lost.status_code == 200
    after = hs.get(f"{O}/deals/{deal['id']}?properties=hs_is_closed_won,hs_is_closed_lost").json()[
        "properties"
    ]
    assert (after["hs_is_closed_won"], after["hs_is_closed_lost"]) == ("false", "true")
