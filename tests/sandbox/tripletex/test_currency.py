"""Foreign currency: a rate table per day, NOK amounts beside currency amounts, prices converted
into the order's currency, orders taking the customer's currency and terms, and payments in two
currencies (issue "Sandboxes, round 2", item 3)."""

from .flows import DAY, bank_payment_type, customer, invoice, order, vat

EUR, SEK = 5, 2
RATES = {"EUR": {"2026-11-20": 11.5, "2026-11-23": 11.6, "2026-11-24": 11.7}, "SEK": {DAY: 106.4}}


def _euro_order(tx, **extra) -> dict:
    buyer = customer(tx, name="Euro GmbH", currency={"id": EUR}, invoicesDueIn=30, **extra)
    response = tx.post(
        tx.u("/v2/order"),
        params={"fields": "*,orderLines(*)"},
        json={
            "customer": {"id": buyer["id"]},
            "orderDate": DAY,
            "deliveryDate": DAY,
            "orderLines": [
                {"count": 2, "unitPriceExcludingVatCurrency": 100, "vatType": vat(tx)}
            ],  # 200 EUR + 25 %
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["value"]


def test_rates_are_per_day_and_a_day_uses_the_newest_rate_on_or_before_it(api):
    """GET /currency/{id}/rate?date= and the exchangeRate routes use "the newest exchange rate
    available for the given date" (spec); Norges Bank quotes SEK per 100 (Currency.factor,
    1-100), and rates are fetched twice a day from Norges Bank (FAQ.md)."""
    tx = api.login()
    api.control("POST", "rates", {"rates": RATES})
    codes = {c["code"]: c for c in tx.get(tx.u("/v2/currency")).json()["values"]}
    assert (codes["SEK"]["factor"], codes["EUR"]["factor"], codes["NOK"]["id"]) == (100, 1, 1)

    def rate(currency_id, day):
        return tx.get(tx.u(f"/v2/currency/{currency_id}/rate"), params={"date": day}).json()

    sunday = rate(EUR, "2026-11-22")["value"]
    assert (sunday["rate"], sunday["date"], sunday["source"]) == (11.5, "2026-11-20", "NORGES_BANK")
    assert sunday["sourceCurrency"]["id"] == EUR and sunday["targetCurrency"]["id"] == 1
    assert rate(EUR, DAY)["value"]["rate"] == 11.7
    assert rate(EUR, "24.11.2026")["status"] == 422
    nok = tx.get(tx.u(f"/v2/currency/{EUR}/exchangeRate"), params={"amount": 100, "date": DAY})
    assert nok.json() == {"value": 1170.0}
    sek = tx.get(
        tx.u(f"/v2/currency/{EUR}/{SEK}/exchangeRate"), params={"amount": 100, "date": DAY}
    )
    assert sek.json() == {"value": round(1170 / 1.064, 2)}


def test_an_order_takes_the_customers_currency_and_terms_and_the_invoice_has_nok_beside(api):
    """Invoice.amount is "In the company's currency, typically NOK", amountCurrency "In the
    specified currency" (spec); an order that sets none takes the customer's currency and
    invoicesDueIn (issue item 3; UNCONFIRMED per fidelity-findings A6)."""
    tx = api.login()
    api.control("POST", "rates", {"rates": RATES})
    made = _euro_order(tx)
    assert (made["currency"]["id"], made["invoicesDueIn"]) == (EUR, 30)
    assert made["orderLines"][0]["currency"]["id"] == EUR
    charged = invoice(tx, made).json()["value"]
    assert charged["currency"]["id"] == EUR and charged["invoiceDueDate"] == "2026-12-24"
    assert (charged["amountCurrency"], charged["amount"]) == (250, 2925)
    assert (charged["amountExcludingVatCurrency"], charged["amountExcludingVat"]) == (200, 2340)
    assert (charged["amountCurrencyOutstanding"], charged["amountOutstanding"]) == (250, 2925)
    nok = customer(tx, name="Norsk AS")
    plain = tx.post(
        tx.u("/v2/order"),
        json={
            "customer": {"id": nok["id"]},
            "orderDate": DAY,
            "deliveryDate": DAY,
            "currency": {"id": 1},
        },
    ).json()["value"]
    assert (plain["currency"]["id"], plain["invoicesDueIn"]) == (1, 14)


def test_a_product_priced_in_nok_is_converted_into_the_orders_currency(api):
    """Product prices are in the product's currency and order lines in the order's
    (OrderLine.unitPriceExcludingVatCurrency: "in the order's currency", spec); the sandbox
    converts at the order date's rate and rounds to the øre (UNCONFIRMED rounding)."""
    tx = api.login()
    api.control("POST", "rates", {"rates": RATES})
    product = tx.post(
        tx.u("/v2/product"), json={"name": "Konsulent", "priceExcludingVatCurrency": 1170}
    ).json()["value"]
    buyer = customer(tx, currency={"id": EUR})
    made = tx.post(
        tx.u("/v2/order"),
        params={"fields": "*,orderLines(*)"},
        json={
            "customer": {"id": buyer["id"]},
            "orderDate": DAY,
            "deliveryDate": DAY,
            "orderLines": [{"product": {"id": product["id"]}, "count": 3}],
        },
    ).json()["value"]
    (line,) = made["orderLines"]
    assert (line["unitPriceExcludingVatCurrency"], line["amountExcludingVatCurrency"]) == (100, 300)
    assert line["amountIncludingVatCurrency"] == 375


def test_a_foreign_currency_payment_needs_the_currency_amount_and_settles_in_it(api, httpserver):
    """:payment's paidAmountCurrency is "Optional, but required for invoices in alternate
    currencies"; paidAmount is "in the currency determined by the account of the paymentType"
    (spec). Paid in full in euro at another rate, the NOK difference is booked as agio or
    disagio and the invoice closes."""
    httpserver.expect_request("/closed", method="POST").respond_with_data("ok")
    tx = api.login()
    api.control("POST", "rates", {"rates": RATES})
    tx.post(
        tx.u("/v2/event/subscription"),
        json={"event": "closeGroup.create", "targetUrl": httpserver.url_for("/closed")},
    )
    made = invoice(tx, _euro_order(tx)).json()["value"]
    bank = bank_payment_type(tx)
    url = tx.u(f"/v2/invoice/{made['id']}/:payment")
    params = {"paymentDate": "2026-11-25", "paymentTypeId": bank, "paidAmount": 1160}
    refused = tx.put(url, params=params).json()
    assert refused["validationMessages"][0]["field"] == "paidAmountCurrency"
    part = tx.put(url, params=dict(params, paidAmountCurrency=100)).json()["value"]
    assert (part["amountCurrencyOutstanding"], part["amountOutstanding"]) == (150, 1765)
    rest = tx.put(url, params=dict(params, paidAmount=1755, paidAmountCurrency=150)).json()
    rest = rest["value"]
    assert (rest["amountCurrencyOutstanding"], rest["amountOutstanding"]) == (0, 0)
    tx.api.deliveries()
    assert len(httpserver.log) == 1  # closed, with a disagio posting of 10 NOK
    window = {"dateFrom": DAY, "dateTo": "2026-11-26", "customerId": made["customer"]["id"]}
    postings = tx.get(tx.u("/v2/ledger/posting"), params=window).json()["values"]
    assert sorted(p["amount"] for p in postings) == [-1755, -1160, -10, 2925]
    assert sorted(p["amountCurrency"] for p in postings) == [-150, -100, 0, 250]


def test_a_prepayment_of_001_with_a_rest_payment_type_settles_the_invoice(tx):
    """OBSERVED in production, 2026-03-21: paidAmount=0.01 with paymentTypeIdRestAmount=<same
    id> settled the whole invoice (fidelity-findings A7); "If paymentTypeIdRestAmount > 0, this
    second payment will be calculated as invoice amount - paidAmount" (spec, :invoice)."""
    bank = bank_payment_type(tx)
    made = invoice(
        tx, order(tx), paymentTypeId=bank, paidAmount=0.01, paymentTypeIdRestAmount=bank
    ).json()["value"]
    assert (made["amountOutstanding"], made["amountCurrencyOutstanding"]) == (0, 0)
    assert len(made["postings"]) == 3  # the invoice and its two payments
    only = invoice(tx, order(tx), paymentTypeId=bank, paidAmount=0.01).json()["value"]
    assert only["amountOutstanding"] == 1249.99


def test_a_foreign_currency_prepayment_needs_the_amount_in_the_accounts_currency(api):
    """paidAmountAccountCurrency: "Amount paid in payment type currency" (spec, :invoice),
    added "to support prepaid amount where invoice currency is different to payment account
    currency" (changelog); the sandbox requires it for a foreign-currency invoice."""
    tx = api.login()
    api.control("POST", "rates", {"rates": RATES})
    bank = bank_payment_type(tx)
    an_order = _euro_order(tx)
    refused = invoice(tx, an_order, paymentTypeId=bank, paidAmount=250).json()
    assert refused["validationMessages"][0]["field"] == "paidAmountAccountCurrency"
    assert api.control("GET", "invoices")["invoices"] == []  # refused before anything stood
    paid = invoice(
        tx, an_order, paymentTypeId=bank, paidAmount=250, paidAmountAccountCurrency=2925
    ).json()["value"]
    assert (paid["amountCurrencyOutstanding"], paid["amountOutstanding"]) == (0, 0)
