"""Multi-step flows the sandbox tests share: customers, orders, invoices, payment types."""

DAY = "2026-11-24"


def vat(tx, number: str = "3") -> dict:
    """A reference to the company's VAT type with code `number` (its id is not the code)."""
    rows = tx.get(tx.u("/v2/ledger/vatType"), params={"number": number}).json()["values"]
    assert len(rows) == 1, rows
    return {"id": rows[0]["id"]}


def line(tx, **extra) -> dict:
    """An order line of 1000 NOK at 25 % VAT (code 3)."""
    return {"count": 4, "unitPriceExcludingVatCurrency": 250, "vatType": vat(tx), **extra}


def customer(tx, **fields) -> dict:
    """Create a customer and return its value."""
    response = tx.post(tx.u("/v2/customer"), json={"name": "Faktura AS", **fields})
    assert response.status_code == 201, response.text
    return response.json()["value"]


def order(tx, lines: list | None = None, buyer: dict | None = None, **extra) -> dict:
    """Create an order dated today (for a new customer unless `buyer`); `lines=[]` leaves it
    empty."""
    body = {
        "customer": {"id": (buyer or customer(tx))["id"]},
        "orderDate": DAY,
        "deliveryDate": DAY,
        "orderLines": [line(tx)] if lines is None else lines,
        **extra,
    }
    response = tx.post(tx.u("/v2/order"), params={"fields": "*,orderLines(*)"}, json=body)
    assert response.status_code == 201, response.text
    return response.json()["value"]


def invoice(tx, an_order: dict, **params):
    """PUT /order/{id}/:invoice dated today, not sent unless asked; returns the response."""
    params.setdefault("invoiceDate", DAY)
    params.setdefault("sendToCustomer", "false")
    return tx.put(tx.u(f"/v2/order/{an_order['id']}/:invoice"), params=params)


def invoiced(tx, **order_extra) -> dict:
    """A fresh invoice of 1250 NOK (1000 + 25 % VAT)."""
    response = invoice(tx, order(tx, **order_extra))
    assert response.status_code == 200, response.text
    return response.json()["value"]


def bank_payment_type(tx) -> int:
    """The id of "Betalt til bank"."""
    types = tx.get(tx.u("/v2/invoice/paymentType"), params={"description": "bank"}).json()
    return types["values"][0]["id"]
