"""Invoice routes: invoicing an order, listing, payments, credit notes and the PDF."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, g, request

from . import crud, envelopes, ledger
from .auth import entitled
from .errors import missing_params, validation
from .pdf import invoice_pdf

bp = Blueprint("tripletex_invoices", __name__)

INVOICE = crud.Resource(
    "invoice",
    filters=[
        ("id", "id", "ids"),
        ("invoiceDateFrom", "invoiceDate", "from"),
        ("invoiceDateTo", "invoiceDate", "to"),
        ("invoiceNumber", "invoiceNumber", "eq"),
        ("kid", "kid", "eq"),
        ("voucherId", "voucher", "ref_ids"),
        ("customerId", "customer", "ref_ids"),
    ],
)
PAYMENT_TYPE = crud.Resource(
    "paymentType",
    filters=[
        ("id", "id", "ids"),
        ("description", "description", "contains"),
        ("query", "description", "contains"),
    ],
)


def _need(*params: str) -> None:
    missing = [p for p in params if not request.args.get(p)]
    if missing:
        raise missing_params(*missing)


def _date(param: str) -> str:
    raw = request.args.get(param, "")
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise validation(param, "Ugyldig dato.") from None


def _number(param: str) -> float | None:
    raw = request.args.get(param)
    if raw in (None, ""):
        return None
    try:
        return float(raw)
    except ValueError:
        raise validation(param, "Ugyldig tall.") from None


@bp.put("/v2/order/<int:order_id>/:invoice")
@entitled("invoice")
def invoice_order(order_id):
    envelopes.requested_fields("invoice")
    _need("invoiceDate")
    order = crud.fetch(crud.Resource("order"), g.company_id, order_id)
    # sendToCustomer defaults to true; the sandbox sends nothing but records the choice.
    send = request.args.get("sendToCustomer", "true").lower() != "false"
    payment_type, paid = request.args.get("paymentTypeId"), _number("paidAmount")
    if bool(payment_type) != bool(paid):
        raise validation(
            "paymentTypeId" if not payment_type else "paidAmount",
            "paymentTypeId og paidAmount må oppgis sammen.",
        )
    invoice = ledger.invoice_order(g.company_id, order, _date("invoiceDate"))
    invoice["_sent"] = send
    invoice["_send_type"] = request.args.get("sendType", "") if send else ""
    if payment_type and paid:
        ledger.pay(g.company_id, invoice, invoice["invoiceDate"], payment_type, paid)
    return envelopes.value("invoice", invoice)


@bp.get("/v2/invoice")
@entitled("invoice")
def list_invoices():
    _need("invoiceDateFrom", "invoiceDateTo")
    return envelopes.listing("invoice", crud.search(INVOICE, g.company_id, request.args))


@bp.get("/v2/invoice/<int:invoice_id>")
@entitled("invoice")
def get_invoice(invoice_id):
    return envelopes.value("invoice", crud.fetch(INVOICE, g.company_id, invoice_id))


@bp.put("/v2/invoice/<int:invoice_id>/:payment")
@entitled("invoice")
def pay_invoice(invoice_id):
    invoice = crud.fetch(INVOICE, g.company_id, invoice_id)
    envelopes.requested_fields("invoice")
    _need("paymentDate", "paymentTypeId", "paidAmount")
    ledger.pay(
        g.company_id,
        invoice,
        _date("paymentDate"),
        request.args["paymentTypeId"],
        _number("paidAmount"),
        _number("paidAmountCurrency"),
    )
    return envelopes.value("invoice", invoice)


@bp.put("/v2/invoice/<int:invoice_id>/:createCreditNote")
@entitled("invoice")
def credit_invoice(invoice_id):
    invoice = crud.fetch(INVOICE, g.company_id, invoice_id)
    envelopes.requested_fields("invoice")
    _need("date")
    note = ledger.credit(g.company_id, invoice, _date("date"), request.args.get("comment", ""))
    return envelopes.value("invoice", note)


@bp.get("/v2/invoice/<int:invoice_id>/pdf")
@entitled("invoice")
def invoice_document(invoice_id):
    invoice = crud.fetch(INVOICE, g.company_id, invoice_id)
    state = envelopes.state()
    customer = state.get(g.company_id, "customer", invoice["customer"]["id"]) or {}
    title = "Kreditnota" if invoice["isCreditNote"] else "Faktura"
    body = invoice_pdf(
        [
            f"{title} {invoice['invoiceNumber']}",
            f"Kunde: {customer.get('displayName', '')}",
            f"Fakturadato: {invoice['invoiceDate']}  Forfall: {invoice['invoiceDueDate']}",
            f"Belop inkl. mva: {invoice['amount']:.2f} NOK",
        ]
    )
    return Response(
        body,
        mimetype="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename=faktura-{invoice['invoiceNumber']}.pdf"
        },
    )


@bp.get("/v2/invoice/paymentType")
@entitled("invoice")
def list_payment_types():
    return envelopes.listing("paymentType", crud.search(PAYMENT_TYPE, g.company_id, request.args))


@bp.get("/v2/invoice/paymentType/<int:type_id>")
@entitled("invoice")
def get_payment_type(type_id):
    return envelopes.value("paymentType", crud.fetch(PAYMENT_TYPE, g.company_id, type_id))
