"""Won deals into Tripletex orders and invoices, over real HTTP against both sandboxes.

A person moves a deal to its pipeline's won stage in the HubSpot sandbox (its control API, as a
user does in HubSpot); the sandbox sends the webhooks our project subscribes to; `flask sync
run` does what the worker's task does. What Tripletex holds afterwards is read through its API
and its control API (which also says whether an invoice was sent), and what the deal shows
through HubSpot's control API.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import requests

from tests.sync.test_live import delivered, run
from webapp.collaborators import Collaborators
from webapp.sync.mapping.order import LINE_PROPERTIES, marker
from webapp.sync.settings import KEY


def deals(synced) -> dict[str, dict]:
    answer = synced.hubspot_control("GET", "objects/deals")
    return {r["id"]: r["properties"] for r in answer["results"]}


def deal_named(synced, fragment: str) -> str:
    return next(i for i, p in deals(synced).items() if fragment in p["dealname"])


def open_deal(synced, pipeline: str = "default") -> str:
    """A demo deal not yet won, in `pipeline`."""
    won = {"closedwon", "closedlost", "1001003", "1001004"}
    return next(
        i
        for i, p in sorted(deals(synced).items(), key=lambda kv: int(kv[0]))
        if p.get("pipeline") == pipeline and p["dealstage"] not in won
    )


def move(synced, deal_id: str, stage: str, **properties) -> None:
    synced.hubspot_control(
        "PATCH", f"objects/deals/{deal_id}", {"properties": {"dealstage": stage, **properties}}
    )


def association(to_id: str, type_id: int) -> dict:
    return {
        "to": {"id": to_id},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
    }


def new_deal(
    synced,
    name: str,
    *,
    stage: str = "contractsent",
    company: str | None = None,
    contact: str | None = None,
    lines: tuple[dict, ...] = (),
    **properties,
) -> str:
    """A deal a person makes in HubSpot: its company (primary), contact and line items."""
    links = []
    if company:
        links.append(association(company, 5))
    if contact:
        links.append(association(contact, 3))
    made = synced.hubspot_control(
        "POST",
        "objects/deals",
        {
            "properties": {
                "dealname": name,
                "pipeline": "default",
                "dealstage": stage,
                **properties,
            },
            "associations": links,
        },
    )
    for line in lines:
        synced.hubspot_control(
            "POST",
            "objects/line_items",
            {"properties": line, "associations": [association(made["id"], 20)]},
        )
    return made["id"]


def record_id(synced, object_type: str, prop: str, value: str) -> str:
    answer = synced.hubspot_control("GET", f"objects/{object_type}")
    return next(r["id"] for r in answer["results"] if r["properties"].get(prop) == value)


def line_items(synced, deal_id: str) -> list[dict]:
    with Collaborators.opened(synced.stack.app.config) as c:
        client = c.hubspot(synced.portal_id)
        links = client.batch_associations("deals", "line_items", [deal_id]).get(deal_id, [])
        ids = [str(t["toObjectId"]) for t in links]
        return [
            r["properties"]
            for r in client.batch_read(
                "line_items",
                ids,
                properties=[*LINE_PROPERTIES, "amount"],
            ).results
        ]


def invoices(synced) -> list[dict]:
    return synced.tripletex_control("GET", "invoices")["invoices"]


def orders_of(synced, deal_id: str) -> list[dict]:
    """Every Tripletex order whose reference names the deal, however many there are."""
    with Collaborators.opened(synced.stack.app.config) as c:
        client = c.tripletex(synced.portal_id)
        return [
            o
            for o in client.list(
                "/order",
                fields="id,number,reference,orderDate,deliveryDate,customer(id),currency(id),"
                "isPrioritizeAmountsIncludingVat,orderLines(id,description,count,discount,"
                "unitPriceExcludingVatCurrency,unitPriceIncludingVatCurrency,product(id,number),"
                "vatType(id,number,percentage),amountExcludingVatCurrency,"
                "amountIncludingVatCurrency)",
                params={"orderDateFrom": "2000-01-01", "orderDateTo": "2100-01-01"},
            )
            if o.get("reference") == marker(deal_id)
        ]


def invoices_of(synced, order_ids) -> list[dict]:
    return [
        i for i in invoices(synced) if any(o["id"] in set(order_ids) for o in i.get("orders", []))
    ]


def settle(synced, **values) -> None:
    """Change some of the portal's sync settings, as the settings page would."""
    with Collaborators.opened(synced.stack.app.config) as c:
        stored = c.installations.setting(synced.portal_id, KEY) or {}
        c.installations.set_setting(synced.portal_id, KEY, dict(stored, **values))


def win_and_run(synced, deal_id: str, stage: str = "closedwon", **properties):
    move(synced, deal_id, stage, **properties)
    delivered(synced)
    return run(synced)


def test_a_deal_moved_to_won_becomes_one_order_and_one_invoice_with_its_lines(live):
    deal_id = open_deal(live)
    items = line_items(live, deal_id)
    assert items  # the demo deal has line items

    win_and_run(live, deal_id)

    (order,) = orders_of(live, deal_id)
    (invoice,) = invoices_of(live, [order["id"]])
    lines = order["orderLines"]
    assert len(lines) == len(items)
    by_price = sorted(lines, key=lambda line: line["unitPriceExcludingVatCurrency"])
    wanted = sorted(items, key=lambda i: Decimal(i["price"]))
    for line, item in zip(by_price, wanted):
        assert Decimal(str(line["count"])) == Decimal(item["quantity"])
        assert Decimal(str(line["unitPriceExcludingVatCurrency"])) == Decimal(item["price"])
        assert line["product"]["number"] == item["hs_sku"]
        assert line["vatType"]["number"] == "3"  # the products' 25 %, never 0 % by omission
    # Tripletex's own totals: the lines' net amounts, with 25 % VAT on top.
    net = sum(Decimal(i["amount"]) for i in items)
    assert Decimal(str(invoice["amountExcludingVatCurrency"])) == net
    assert Decimal(str(invoice["amountCurrency"])) == (net * Decimal("1.25")).quantize(
        Decimal("0.01")
    )
    assert invoice["sentToCustomer"] is False  # sendToCustomer false unless chosen

    shown = deals(live)[deal_id]
    assert shown["tripletex_order_id"] == str(order["id"])
    assert shown["tripletex_order_number"] == str(order["number"])
    assert shown["tripletex_invoice_id"] == str(invoice["id"])
    assert shown["tripletex_invoice_number"] == str(invoice["invoiceNumber"])
    assert shown["tripletex_invoice_status"] == "invoiced"
    assert shown["tripletex_sync_status"] == "synced"
    assert Decimal(shown["tripletex_invoice_amount"]) == Decimal(str(invoice["amountCurrency"]))
    assert shown["tripletex_invoice_due_date"] == invoice["invoiceDueDate"]
    assert shown["tripletex_invoice_date"] == invoice["invoiceDate"]
    # A note on the deal's timeline says what was made, and links to the invoice.
    notes = [
        n["properties"]
        for n in live.hubspot_control("GET", "objects/notes")["results"]
        if str(invoice["invoiceNumber"]) in (n["properties"].get("hs_note_body") or "")
    ]
    assert len(notes) == 1 and notes[0].get("hs_timestamp")
    link = re.search(r'href="([^"]+)"', notes[0]["hs_note_body"]).group(1)
    opened = requests.get(html.unescape(link), timeout=10)
    assert opened.status_code == 200 and f"Faktura {invoice['invoiceNumber']}" in opened.text
    with Collaborators.opened(live.stack.app.config) as c:
        linked = c.hubspot(live.portal_id).batch_associations("deals", "notes", [deal_id])
    assert len(linked[deal_id]) == 1
    assert live.rows(
        "select tripletex_kind, state from mappings where hubspot_type = 'deals' "
        "and hubspot_id = ? order by tripletex_kind",
        [deal_id],
    ) == [
        {"tripletex_kind": "invoice", "state": "linked"},
        {"tripletex_kind": "note", "state": "linked"},
        {"tripletex_kind": "order", "state": "linked"},
    ]


def test_a_deal_moved_back_and_forth_and_duplicate_events_make_no_second_invoice(live):
    deal_id = open_deal(live)
    win_and_run(live, deal_id)
    win_and_run(live, deal_id, "contractsent")
    win_and_run(live, deal_id, "closedwon")
    run(live)

    orders = orders_of(live, deal_id)
    assert len(orders) == 1
    assert len(invoices_of(live, [o["id"] for o in orders])) == 1
    assert deals(live)[deal_id]["tripletex_invoice_status"] == "invoiced"
