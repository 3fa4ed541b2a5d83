"""Money movements shared by the API and the control API: invoicing, payments, credit notes."""

from __future__ import annotations

from datetime import date, timedelta

from . import crud, envelopes
from .errors import TripletexError, validation

NO_BANK_ACCOUNT = "Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer."
NO_LINES = "Fakturaen inneholder ingen ordrelinjer."


def bank_account(company_id: int) -> dict | None:
    for account in envelopes.state().table(company_id, "account").values():
        if account["number"] == 1920:
            return account
    return None


def _posting(company_id: int, invoice: dict, amount: float, day: str, text: str) -> dict:
    state = envelopes.state()
    posting = crud.new_object("posting")
    posting.update(
        id=state.next_id("posting"),
        date=day,
        description=text,
        customer=invoice["customer"],
        amount=amount,
        amountCurrency=amount,
        invoiceNumber=str(invoice["invoiceNumber"]),
    )
    state.table(company_id, "posting")[posting["id"]] = posting
    invoice["postings"].append({"id": posting["id"]})
    return posting


def invoice_order(company_id: int, order: dict, invoice_date: str) -> dict:
    """Charge the order's uncharged lines on a new invoice; 422 without bank account or lines."""
    state = envelopes.state()
    account = bank_account(company_id)
    if account is None or not account["bankAccountNumber"]:
        raise validation(None, NO_BANK_ACCOUNT)
    lines = [state.get(company_id, "orderline", ref["id"]) for ref in order["orderLines"]]
    lines = [line for line in lines if line is not None and not line["isCharged"]]
    if not lines:
        raise validation(None, NO_LINES)
    day = date.fromisoformat(invoice_date)
    due = (
        day + timedelta(days=30 * order["invoicesDueIn"])
        if order["invoicesDueInType"] == "MONTHS"
        else day + timedelta(days=order["invoicesDueIn"])
    )
    amount = round(sum(line["amountIncludingVatCurrency"] for line in lines), 2)
    excluding = round(sum(line["amountExcludingVatCurrency"] for line in lines), 2)
    invoice = crud.new_object("invoice")
    invoice.update(
        id=state.next_id("invoice"),
        invoiceNumber=state.counter(company_id, "invoiceNumber"),
        invoiceDate=invoice_date,
        invoiceDueDate=due.isoformat(),
        customer=order["customer"],
        invoiceComment=order["invoiceComment"],
        orders=[{"id": order["id"]}],
        orderLines=[{"id": line["id"]} for line in lines],
        voucher={"id": state.next_id("voucher")},
        deliveryDate=order["deliveryDate"],
        amount=amount,
        amountCurrency=amount,
        amountExcludingVat=excluding,
        amountExcludingVatCurrency=excluding,
        amountOutstanding=amount,
        amountCurrencyOutstanding=amount,
        amountOutstandingTotal=amount,
        amountCurrencyOutstandingTotal=amount,
        currency=order["currency"],
        documentId=state.next_id("document"),
    )
    _posting(company_id, invoice, amount, invoice_date, f"Faktura {invoice['invoiceNumber']}")
    crud.record_change(invoice, "CREATE")
    state.table(company_id, "invoice")[invoice["id"]] = invoice
    for line in lines:
        line["isCharged"] = True
        line["version"] += 1
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
    """Register a payment; settles the invoice (and fires closeGroup.create) when it reaches 0."""
    state = envelopes.state()
    if payment_type_id in (None, ""):
        raise validation("paymentTypeId", "Kan ikke være null.")
    if state.get(company_id, "paymentType", payment_type_id) is None:
        raise validation("paymentTypeId", "Objektet finnes ikke.")
    if amount is None or amount == 0:
        raise validation("paidAmount", "Kan ikke være null.")
    paid_currency = amount if amount_currency is None else amount_currency
    _posting(
        company_id,
        invoice,
        -amount,
        payment_date,
        f"Innbetaling faktura {invoice['invoiceNumber']}",
    )
    for key, paid in (
        ("amountOutstanding", amount),
        ("amountCurrencyOutstanding", paid_currency),
        ("amountOutstandingTotal", amount),
        ("amountCurrencyOutstandingTotal", paid_currency),
    ):
        invoice[key] = round(invoice[key] - paid, 2)
    invoice["version"] += 1
    crud.record_change(invoice, "UPDATE")
    if abs(invoice["amountOutstanding"]) < 0.005:
        _settle(company_id, invoice, payment_date)
    return invoice


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
        voucher={"id": state.next_id("voucher")},
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
    _posting(company_id, note, note["amount"], credit_date, f"Kreditnota {note['invoiceNumber']}")
    crud.record_change(note, "CREATE")
    state.table(company_id, "invoice")[note["id"]] = note
    for key in (
        "amountOutstanding",
        "amountCurrencyOutstanding",
        "amountOutstandingTotal",
        "amountCurrencyOutstandingTotal",
    ):
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
            posting["closeGroup"] = {"id": group["id"]}
    state.table(company_id, "closeGroup")[group["id"]] = group
    crud.emit(company_id, "closeGroup.create", "closeGroup", group)
