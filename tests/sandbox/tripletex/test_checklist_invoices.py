"""Brief §9 items 9-12 over real HTTP: invoicing orders, payments, credit notes, invoice search."""

import json
import re

from .flows import DAY, bank_payment_type, customer, invoice, invoiced, order, vat


def _subscribe(tx, httpserver, event):
    httpserver.expect_request(f"/{event}", method="POST").respond_with_data("ok")
    response = tx.post(
        tx.u("/v2/event/subscription"),
        json={"event": event, "targetUrl": httpserver.url_for(f"/{event}")},
    )
    assert response.status_code == 201, response.text


def _received(httpserver, event) -> list[dict]:
    return [
        json.loads(request.get_data())
        for request, _ in httpserver.log
        if request.path == f"/{event}"
    ]


def test_09_invoicing_needs_a_bank_account_number_until_one_is_registered(api):
    tx = api.login(api.company(bankAccountNumber=""))
    refused = invoice(tx, order(tx)).json()
    assert (refused["status"], refused["code"]) == (422, 18000)
    assert refused["validationMessages"][0]["message"] == (
        "Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer."
    )
    bank = tx.get(api.url("/v2/ledger/account"), params={"isBankAccount": "true"}).json()
    assert [a["number"] for a in bank["values"]] == [1920]
    account = bank["values"][0]
    tx.put(
        api.url(f"/v2/ledger/account/{account['id']}"), json={"bankAccountNumber": "15031234566"}
    )
    assert invoice(tx, order(tx)).status_code == 200


def test_09_invoicing_needs_a_date_and_lines(tx):
    no_date = tx.put(tx.u(f"/v2/order/{order(tx)['id']}/:invoice")).json()
    assert [m["field"] for m in no_date["validationMessages"]] == ["invoiceDate"]
    empty = invoice(tx, order(tx, lines=[])).json()
    assert empty["validationMessages"][0]["message"] == "Fakturaen inneholder ingen ordrelinjer."


def test_09_an_invoice_charges_the_lines_and_owes_the_whole_amount(tx, httpserver):
    _subscribe(tx, httpserver, "invoice.charged")
    an_order = order(tx)
    made = invoice(tx, an_order).json()["value"]
    assert (made["amount"], made["amountExcludingVat"]) == (1250, 1000)
    assert made["amountOutstanding"] == made["amountCurrencyOutstanding"] == made["amountCurrency"]
    assert made["invoiceDueDate"] == "2026-12-08"  # 14 days, the order's default
    assert made["isCharged"] is True and made["isCreditNote"] is False
    assert made["creditedInvoice"] == 0 and made["invoiceNumber"] == 1
    assert [o["id"] for o in made["orders"]] == [an_order["id"]]
    line = tx.get(tx.u(f"/v2/order/orderline/{an_order['orderLines'][0]['id']}")).json()
    assert line["value"]["isCharged"] is True
    again = invoice(tx, an_order).json()  # nothing left to charge
    assert again["validationMessages"][0]["message"] == "Fakturaen inneholder ingen ordrelinjer."
    tx.api.deliveries()
    assert [(e["event"], e["id"]) for e in _received(httpserver, "invoice.charged")] == [
        ("invoice.charged", made["id"])
    ]


def test_09_send_to_customer_defaults_to_true(tx):
    buyer = customer(tx, email="post@kunde.no")  # sent by EMAIL, the default send method
    sent = invoice(tx, order(tx, buyer=buyer), sendToCustomer=None).json()["value"]
    kept = invoice(tx, order(tx)).json()["value"]
    rows = {
        row["id"]: row["sentToCustomer"]
        for row in tx.api.control("GET", f"invoices?companyId={tx.company['id']}")["invoices"]
    }
    assert rows == {sent["id"]: True, kept["id"]: False}


def test_09_an_order_priced_including_vat_is_invoiced_to_the_ore(tx):
    made = invoiced(
        tx,
        isPrioritizeAmountsIncludingVat=True,
        orderLines=[{"count": 3, "unitPriceIncludingVatCurrency": 99.99, "vatType": vat(tx)}],
    )
    assert (made["amount"], made["amountExcludingVat"]) == (299.97, 239.98)


def test_10_payments_lower_what_is_owed_and_a_settled_invoice_closes(tx, httpserver):
    _subscribe(tx, httpserver, "closeGroup.create")
    made = invoiced(tx)
    bank = bank_payment_type(tx)
    url = tx.u(f"/v2/invoice/{made['id']}/:payment")
    no_type = tx.put(url, params={"paymentDate": "2026-11-25", "paidAmount": 10}).json()
    assert no_type["validationMessages"] == [
        {
            "field": "paymentTypeId",
            "rootId": None,
            "message": "Kan ikke være null.",
            "path": "paymentTypeId",
        }
    ]
    part = tx.put(
        url, params={"paymentDate": "2026-11-25", "paymentTypeId": bank, "paidAmount": 250}
    ).json()["value"]
    assert part["amountOutstanding"] == part["amountCurrencyOutstanding"] == 1000
    assert part["version"] == made["version"] + 1 and len(part["postings"]) == 2
    tx.api.deliveries()
    assert _received(httpserver, "closeGroup.create") == []  # partly paid stays open
    full = tx.put(
        url, params={"paymentDate": "2026-11-26", "paymentTypeId": bank, "paidAmount": 1000}
    ).json()["value"]
    assert full["amountOutstanding"] == full["amountCurrencyOutstanding"] == 0
    assert not full["isCredited"] and len(full["postings"]) == 3
    tx.api.deliveries()
    closed = _received(httpserver, "closeGroup.create")
    assert len(closed) == 1
    assert sorted(p["id"] for p in closed[0]["value"]["postings"]) == sorted(
        p["id"] for p in full["postings"]
    )


def test_11_a_credit_note_cancels_the_whole_invoice(tx):
    made = invoiced(tx)
    note = tx.put(
        tx.u(f"/v2/invoice/{made['id']}/:createCreditNote"),
        params={"date": "2026-11-25", "comment": "Feil"},
    )
    assert note.status_code == 200
    note = note.json()["value"]
    assert note["isCreditNote"] is True and note["creditedInvoice"] == made["id"]
    assert (note["amount"], note["amountExcludingVat"]) == (-1250, -1000)
    assert note["amountOutstanding"] == 0
    assert note["invoiceNumber"] == made["invoiceNumber"] + 1
    original = tx.get(tx.u(f"/v2/invoice/{made['id']}")).json()["value"]
    assert original["isCredited"] is True and original["amountOutstanding"] == 0
    assert original["version"] == made["version"] + 1
    twice = tx.put(tx.u(f"/v2/invoice/{made['id']}/:createCreditNote"), params={"date": DAY})
    assert twice.status_code == 422
    no_date = tx.put(tx.u(f"/v2/invoice/{made['id']}/:createCreditNote")).json()
    assert [m["field"] for m in no_date["validationMessages"]] == ["date"]


def test_11_invoices_are_immutable(tx):
    made = invoiced(tx)
    for method in ("PUT", "DELETE"):
        response = tx.request(method, tx.u(f"/v2/invoice/{made['id']}"), json={"comment": "x"})
        assert (response.status_code, response.json()["status"]) == (405, 405)
    assert tx.get(tx.u(f"/v2/invoice/{made['id']}")).json()["value"]["comment"] == ""


def test_12_invoice_search_needs_the_date_range(tx):
    made = invoiced(tx)
    refused = tx.get(tx.u("/v2/invoice")).json()
    assert {m["field"] for m in refused["validationMessages"]} == {
        "invoiceDateFrom",
        "invoiceDateTo",
    }
    found = tx.get(
        tx.u("/v2/invoice"),
        params={
            "invoiceDateFrom": DAY,
            "invoiceDateTo": "2026-11-25",
            "customerId": made["customer"]["id"],
        },
    ).json()["values"]
    assert [i["id"] for i in found] == [made["id"]]
    excluded = tx.get(
        tx.u("/v2/invoice"), params={"invoiceDateFrom": "2026-11-23", "invoiceDateTo": DAY}
    ).json()
    assert excluded["values"] == []  # "to and excluding"


def test_12_the_invoice_pdf_is_a_real_pdf(tx):
    made = invoiced(tx)
    pdf = tx.get(tx.u(f"/v2/invoice/{made['id']}/pdf"), params={"download": "true"})
    assert pdf.headers["Content-Type"] == "application/octet-stream"
    body = pdf.content
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
    xref = int(body.rsplit(b"startxref", 1)[1].split()[0])
    assert body[xref : xref + 4] == b"xref"
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", body)]
    assert [body[o : o + 7] for o in offsets] == [f"{n} 0 obj".encode() for n in range(1, 6)]
    assert f"Faktura {made['invoiceNumber']}".encode() in body
    missing = tx.get(tx.u("/v2/invoice/1/pdf"))
    assert missing.status_code == 404
