"""Money movements shared by the API and the control API: invoicing, payments, credit notes.

Each movement is a voucher whose postings balance: an invoice debits the customer ledger
(1500) and credits revenue (3000, or 3100 for 0 % lines) and output VAT (2700); a payment
credits 1500 and debits the payment type's account. Amounts are in NOK (`amount`) and in the
invoice's currency (`amountCurrency`); the invoice lists only its 1500 postings, "a posting for
the invoice with a positive amount, and one or more posting for the payments with negative
amounts" (spec, Invoice.postings).
"""

from __future__ import annotations

from datetime import date, timedelta

from . import crud, currency, envelopes, vat
from .errors import TripletexError, validation

NO_BANK_ACCOUNT = "Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer."
NO_LINES = "Fakturaen inneholder ingen ordrelinjer."
NOT_NULL = "Kan ikke være null."
OUTSTANDING = (
    "amountOutstanding",
    "amountCurrencyOutstanding",
    "amountOutstandingTotal",
    "amountCurrencyOutstandingTotal",
)


def account(company_id: int, number: int) -> dict | None:
    for found in envelopes.state().table(company_id, "account").values():
        if found["number"] == number:
            return found
    return None


def bank_account(company_id: int) -> dict | None:
    return account(company_id, 1920)


def _voucher(company_id: int, day: str, text: str) -> dict:
    state = envelopes.state()
    voucher = crud.new_object("voucher")
    number = state.counter(company_id, "voucherNumber")
    voucher.update(
        id=state.next_id("voucher"),
        date=day,
        number=number,
        year=int(day[:4]),
        description=text,
        displayName=f"{number}-{day[:4]} {text}",
        numberAsString=f"{number}-{day[:4]}",
    )
    crud.record_change(voucher, "CREATE")
    return crud.insert(company_id, "voucher", voucher)


def _post(company_id: int, voucher: dict, number: int, amount: float, **fields) -> dict:
    """Add one posting on account `number` to `voucher`."""
    state = envelopes.state()
    posting = crud.new_object("posting")
    posting.update(
        id=state.next_id("posting"),
        voucher={"id": voucher["id"]},
        date=voucher["date"],
        description=voucher["description"],
        account={"id": account(company_id, number)["id"]},
        amount=round(amount, 2),
        amountGross=round(amount, 2),
        currency={"id": currency.NOK},
        row=len(voucher["postings"]) + 1,
    )
    posting.update(fields)
    posting.setdefault("amountCurrency", posting["amount"])
    posting["amountGrossCurrency"] = posting["amountCurrency"]
    crud.record_change(posting, "CREATE")
    crud.insert(company_id, "posting", posting)
    voucher["postings"].append({"id": posting["id"]})
    return posting


def _customer_posting(company_id, invoice, voucher, amount, amount_currency, kind) -> dict:
    posting = _post(
        company_id,
        voucher,
        1500,
        amount,
        amountCurrency=round(amount_currency, 2),
        customer=invoice["customer"],
        currency=dict(invoice["currency"]),
        invoiceNumber=str(invoice["invoiceNumber"]),
        termOfPayment=invoice["invoiceDueDate"],
        type=kind,
    )
    crud.keep(invoice)
    invoice["postings"].append({"id": posting["id"]})
    return posting


def _due(day: date, order: dict) -> str:
    if order["invoicesDueInType"] == "MONTHS":
        return (day + timedelta(days=30 * order["invoicesDueIn"])).isoformat()
    return (day + timedelta(days=order["invoicesDueIn"])).isoformat()


def invoice_orders(
    company_id: int, orders: list[dict], invoice_date: str, due_date: str | None = None
) -> dict:
    """Charge the orders' uncharged lines on one new invoice; 422 without bank account or lines."""
    state = envelopes.state()
    bank = bank_account(company_id)
    if bank is None or not bank["bankAccountNumber"]:
        raise validation(None, NO_BANK_ACCOUNT)
    lines = [
        state.get(company_id, "orderline", ref["id"])
        for order in orders
        for ref in order["orderLines"]
    ]
    lines = [line for line in lines if line is not None and not line["isCharged"]]
    if not lines:
        raise validation(None, NO_LINES)
    first = orders[0]
    money = first["currency"] or {"id": currency.NOK}
    to_nok = currency.to_nok(money, 1.0, invoice_date)
    amount_currency = round(sum(line["amountIncludingVatCurrency"] for line in lines), 2)
    excluding_currency = round(sum(line["amountExcludingVatCurrency"] for line in lines), 2)
    amount = round(amount_currency * to_nok, 2)
    invoice = crud.new_object("invoice")
    invoice.update(
        id=state.next_id("invoice"),
        invoiceNumber=state.counter(company_id, "invoiceNumber"),
        invoiceDate=invoice_date,
        invoiceDueDate=due_date or _due(date.fromisoformat(invoice_date), first),
        customer=first["customer"],
        invoiceComment=first["invoiceComment"],
        orders=[{"id": order["id"]} for order in orders],
        orderLines=[{"id": line["id"]} for line in lines],
        deliveryDate=first["deliveryDate"],
        amount=amount,
        amountCurrency=amount_currency,
        amountExcludingVat=round(excluding_currency * to_nok, 2),
        amountExcludingVatCurrency=excluding_currency,
        currency=dict(money),
        documentId=state.next_id("document"),
        **{key: amount if "Currency" not in key else amount_currency for key in OUTSTANDING},
    )
    voucher = _voucher(company_id, invoice_date, f"Faktura {invoice['invoiceNumber']}")
    invoice["voucher"] = {"id": voucher["id"]}
    _customer_posting(
        company_id, invoice, voucher, amount, amount_currency, "OUTGOING_INVOICE_CUSTOMER_POSTING"
    )
    revenue = 0.0
    for line in lines:
        excl = line["amountExcludingVatCurrency"]
        nok = round(excl * to_nok, 2)
        revenue += nok
        _post(
            company_id,
            voucher,
            3000 if vat.rate(company_id, line["vatType"]) else 3100,
            -nok,
            amountCurrency=-excl,
            product=line["product"],
            vatType=line["vatType"],
            currency=dict(money),
        )
        crud.keep(line)
        line["isCharged"] = True
        line["version"] += 1
    if round(amount - revenue, 2) or round(amount_currency - excluding_currency, 2):
        _post(
            company_id,
            voucher,
            2700,
            -(amount - revenue),
            amountCurrency=-(amount_currency - excluding_currency),
            currency=dict(money),
        )
    crud.record_change(invoice, "CREATE")
    crud.insert(company_id, "invoice", invoice)
    crud.emit(company_id, "invoice.charged", "invoice", invoice)
    return invoice


def pay(
    company_id: int,
    invoice: dict,
    payment_date: str,
    payment_type_id,
    amount: float,
    amount_currency: float | None = None,
) -> dict:
    """Register a payment (negative: reverse one); settling fires closeGroup.create and
    reopening a settled invoice closeGroup.delete.

    `amount` is in the payment type's currency (NOK); `amount_currency` in the invoice's,
    "Optional, but required for invoices in alternate currencies" (spec, :payment).
    """
    state = envelopes.state()
    if payment_type_id in (None, ""):
        raise validation("paymentTypeId", NOT_NULL)
    payment_type = state.get(company_id, "paymentType", payment_type_id)
    if payment_type is None:
        raise validation("paymentTypeId", "Objektet finnes ikke.")
    if amount is None or amount == 0:
        raise validation("paidAmount", NOT_NULL)
    if amount_currency is None:
        if currency.is_foreign(invoice["currency"]):
            raise validation("paidAmountCurrency", NOT_NULL)
        amount_currency = amount
    voucher = _voucher(company_id, payment_date, f"Innbetaling faktura {invoice['invoiceNumber']}")
    _customer_posting(company_id, invoice, voucher, -amount, -amount_currency, "INCOMING_PAYMENT")
    bank = state.get(company_id, "account", payment_type["debitAccount"]["id"])
    _post(company_id, voucher, bank["number"], amount, type="INCOMING_PAYMENT_OPPOSITE")
    for key in OUTSTANDING:
        paid = amount_currency if "Currency" in key else amount
        invoice[key] = round(invoice[key] - paid, 2)
    invoice["version"] += 1
    crud.record_change(invoice, "UPDATE")
    if abs(invoice["amountCurrencyOutstanding"]) < 0.005:
        _currency_difference(company_id, invoice, payment_date)
        _settle(company_id, invoice, payment_date)
    elif invoice.get("_closeGroup"):
        _reopen(company_id, invoice)
    return invoice


def _currency_difference(company_id: int, invoice: dict, day: str) -> None:
    """Paid in full in the invoice's currency: what is left in NOK is agio or disagio."""
    left = invoice["amountOutstanding"]
    if abs(left) < 0.005:
        return
    voucher = _voucher(company_id, day, f"Valutadifferanse faktura {invoice['invoiceNumber']}")
    _customer_posting(company_id, invoice, voucher, -left, 0, "INCOMING_PAYMENT")
    _post(company_id, voucher, 8160 if left > 0 else 8060, left)
    for key in ("amountOutstanding", "amountOutstandingTotal"):
        invoice[key] = 0


def credit(company_id: int, invoice: dict, credit_date: str, comment: str = "") -> dict:
    """Credit the whole invoice: a negative credit note, the original zeroed and closed."""
    state = envelopes.state()
    if invoice["isCredited"] or invoice["isCreditNote"]:
        raise TripletexError(
            422,
            18000,
            "Validering feilet.",
            validation=[("id", "Fakturaen er allerede kreditert.")],
        )
    note = crud.new_object("invoice")
    for key in ("customer", "orders", "orderLines", "currency", "deliveryDate"):
        note[key] = invoice[key]
    note.update(
        id=state.next_id("invoice"),
        invoiceNumber=state.counter(company_id, "invoiceNumber"),
        invoiceDate=credit_date,
        invoiceDueDate=credit_date,
        comment=comment or "",
        isCreditNote=True,
        creditedInvoice=invoice["id"],
        documentId=state.next_id("document"),
        **{
            key: -invoice[key]
            for key in (
                "amount",
                "amountCurrency",
                "amountExcludingVat",
                "amountExcludingVatCurrency",
            )
        },
    )
    voucher = _voucher(company_id, credit_date, f"Kreditnota {note['invoiceNumber']}")
    note["voucher"] = {"id": voucher["id"]}
    original = state.get(company_id, "voucher", invoice["voucher"]["id"])
    for ref in original["postings"]:
        posting = state.get(company_id, "posting", ref["id"])
        copied = {
            k: posting[k]
            for k in ("customer", "product", "vatType", "currency", "invoiceNumber", "type")
        }
        made = _post(
            company_id,
            voucher,
            state.get(company_id, "account", posting["account"]["id"])["number"],
            -posting["amount"],
            amountCurrency=-posting["amountCurrency"],
            **copied,
        )
        if posting["customer"]:
            made["invoiceNumber"] = str(note["invoiceNumber"])
            note["postings"].append({"id": made["id"]})
    crud.record_change(note, "CREATE")
    crud.insert(company_id, "invoice", note)
    crud.keep(invoice)
    for key in OUTSTANDING:
        invoice[key] = 0
    invoice["isCredited"] = True
    invoice["version"] += 1
    crud.record_change(invoice, "UPDATE")
    crud.emit(company_id, "invoice.charged", "invoice", note)
    _settle(company_id, invoice, credit_date, extra=note)
    return note


def _settle(company_id: int, invoice: dict, day: str, extra: dict | None = None) -> None:
    state = envelopes.state()
    group = crud.new_object("closeGroup")
    group.update(
        id=state.next_id("closeGroup"),
        date=day,
        postings=list(invoice["postings"]) + list((extra or {}).get("postings", [])),
    )
    for ref in group["postings"]:
        posting = state.get(company_id, "posting", ref["id"])
        if posting is not None:
            crud.keep(posting)
            posting["closeGroup"] = {"id": group["id"]}
            posting["matched"] = True
    crud.record_change(group, "CREATE")
    crud.insert(company_id, "closeGroup", group)
    invoice["_closeGroup"] = group["id"]
    crud.emit(company_id, "closeGroup.create", "closeGroup", group)


def _reopen(company_id: int, invoice: dict) -> None:
    """A reversed payment reopens the postings: the close group is deleted (value null)."""
    state = envelopes.state()
    group = state.get(company_id, "closeGroup", invoice.pop("_closeGroup"))
    if group is None:
        return
    for ref in group["postings"]:
        posting = state.get(company_id, "posting", ref["id"])
        if posting is not None:
            crud.keep(posting)
            posting["closeGroup"] = None
            posting["matched"] = False
    crud.remove(company_id, "closeGroup", group["id"])
    crud.emit(company_id, "closeGroup.delete", "closeGroup", {"id": group["id"]})
