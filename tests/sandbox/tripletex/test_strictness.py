"""Strict writes and queries: dates as yyyy-MM-dd, a single customerId on invoices, invoiced
orders locked, records with postings kept (issue "Sandboxes, round 2", item 5; fidelity-
findings A6, A9, A18, E15). PUT /order lines and the 429 header: test_checklist_*."""

import pytest

from .conftest import CONSUMER
from .flows import DAY, customer, invoice, invoiced, order

BAD = "Ugyldig dato. Formatet er yyyy-MM-dd."


@pytest.mark.parametrize("day", ["01.11.2026", "20261101", "2026-11-1", "2026-02-30", "i dag"])
def test_dates_are_yyyy_mm_dd_or_refused_everywhere(tx, day):
    """Every date in the spec is yyyy-MM-dd; the sandbox stored "01.11.2026" as sent and then
    compared it as a string (fidelity-findings A6, A9). Each is now refused with 422."""
    buyer = customer(tx)
    body = {"customer": {"id": buyer["id"]}, "orderDate": day, "deliveryDate": DAY}
    posted = tx.post(tx.u("/v2/order"), json=body).json()
    assert (posted["status"], posted["validationMessages"][0]["field"]) == (422, "orderDate")
    assert posted["validationMessages"][0]["message"] == BAD
    made = invoiced(tx)
    checks = [
        ("GET", "/v2/order", {"orderDateFrom": day, "orderDateTo": DAY}, "orderDateFrom"),
        ("GET", "/v2/invoice", {"invoiceDateFrom": DAY, "invoiceDateTo": day}, "invoiceDateTo"),
        ("PUT", f"/v2/order/{order(tx)['id']}/:invoice", {"invoiceDate": day}, "invoiceDate"),
        ("PUT", f"/v2/invoice/{made['id']}/:createCreditNote", {"date": day}, "date"),
        ("GET", "/v2/ledger/posting", {"dateFrom": day, "dateTo": DAY}, "dateFrom"),
        ("GET", "/v2/ledger/posting/openPost", {"date": day}, "date"),
        ("GET", "/v2/ledger/closeGroup", {"dateFrom": DAY, "dateTo": day}, "dateTo"),
    ]
    for method, path, params, field in checks:
        body = tx.request(method, tx.u(path), params=params).json()
        (message,) = body["validationMessages"]
        assert (body["status"], message["field"], message["message"]) == (422, field, BAD), path
    pay = tx.put(
        tx.u(f"/v2/invoice/{made['id']}/:payment"),
        params={"paymentDate": day, "paymentTypeId": 1, "paidAmount": 1},
    ).json()
    assert pay["validationMessages"][0]["field"] == "paymentDate"
    session = tx.post(
        tx.u("/v2/token/session/:create"),
        json={
            "consumerToken": CONSUMER,
            "employeeToken": tx.api.token(tx.company),
            "expirationDate": day,
        },
        auth=None,
    ).json()
    assert session["validationMessages"][0] == {
        "field": "arg:expirationDate",
        "message": BAD,
        "path": "arg:expirationDate",
        "rootId": None,
    }
    assert tx.get(tx.u(f"/v2/invoice/{made['id']}")).json()["value"]["isCredited"] is False


def test_invoice_search_takes_one_customer_id(tx):
    """GET /invoice's customerId is "Equals" (spec): one id. A comma list is refused rather
    than read as several (fidelity-findings A9)."""
    first, second = invoiced(tx), invoiced(tx)
    window = {"invoiceDateFrom": DAY, "invoiceDateTo": "2026-11-25"}
    one = tx.get(tx.u("/v2/invoice"), params=dict(window, customerId=first["customer"]["id"]))
    assert [i["id"] for i in one.json()["values"]] == [first["id"]]
    both = f"{first['customer']['id']},{second['customer']['id']}"
    refused = tx.get(tx.u("/v2/invoice"), params=dict(window, customerId=both)).json()
    assert (refused["status"], refused["validationMessages"][0]["field"]) == (422, "customerId")


def test_an_invoiced_order_can_be_neither_edited_nor_deleted(tx):
    """ "Deals changed after invoicing" need the refusal Tripletex likely gives; the sandbox
    accepted every change and even deleted the order behind an invoice (fidelity-findings A6,
    UNCONFIRMED there, the stricter choice here)."""
    an_order = order(tx)
    assert invoice(tx, an_order).status_code == 200
    url = tx.u(f"/v2/order/{an_order['id']}")
    for response in (
        tx.put(url, json={"reference": "PO-9"}),
        tx.delete(url),
        tx.post(tx.u("/v2/order/orderline"), json={"order": {"id": an_order["id"]}, "count": 1}),
    ):
        body = response.json()
        assert (body["status"], body["validationMessages"][0]["message"]) == (
            422,
            "Ordren er fakturert og kan ikke endres eller slettes.",
        )
    kept = tx.get(url).json()["value"]
    assert (kept["reference"], kept["version"], len(kept["orderLines"])) == ("", 0, 1)
    fresh = order(tx)
    assert tx.delete(tx.u(f"/v2/order/{fresh['id']}")).status_code == 204


def test_customers_and_products_with_postings_are_deactivated_not_deleted(tx):
    """Accounting records tied to postings are normally not deletable (fidelity-findings A18,
    UNCONFIRMED); deactivating stays possible (isInactive editable since 2.71.9, changelog)."""
    product = tx.post(tx.u("/v2/product"), json={"name": "Vare", "priceExcludingVatCurrency": 10})
    product = product.json()["value"]
    an_order = order(tx, lines=[{"product": {"id": product["id"]}, "count": 1}])
    assert invoice(tx, an_order).status_code == 200
    buyer = an_order["customer"]["id"]
    for path in (f"/v2/customer/{buyer}", f"/v2/product/{product['id']}"):
        refused = tx.delete(tx.u(path)).json()
        assert refused["status"] == 422
        assert refused["validationMessages"][0]["message"].endswith("Sett den inaktiv i stedet.")
        assert tx.get(tx.u(path)).status_code == 200
        assert tx.put(tx.u(path), json={"isInactive": True}).json()["value"]["isInactive"]
    unused = customer(tx, name="Ubrukt AS")
    assert tx.delete(tx.u(f"/v2/customer/{unused['id']}")).status_code == 204
