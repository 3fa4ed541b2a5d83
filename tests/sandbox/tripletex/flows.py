"""Multi-step flows the sandbox tests share: customers, orders, invoices, payment types."""

DAY = "2026-11-24"
LINE = {"count": 4, "unitPriceExcludingVatCurrency": 250, "vatType": {"id": 3}}  # 1000 + 25 %


def customer(tx, **fields) -> dict:
    """Create a customer and return its value."""
    response = tx.post(tx.u("/v2/customer"), json={"name": "Faktura AS", **fields})
    assert response.status_code == 201, response.text
    return response.json()["value"]


def order(tx, lines: list | None = None, **extra) -> dict:
    """Create an order dated today for a new customer; `lines=[]` leaves it empty."""
    body = {
        "customer": {"id": customer(tx)["id"]},
        "orderDate": DAY,
        "deliveryDate": DAY,
        "orderLines": [dict(LINE)] if lines is None else lines,
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
