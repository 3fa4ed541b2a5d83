"""Invoice routes: invoicing an order, listing, payments, credit notes and the PDF."""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from . import crud, currency, dates, envelopes, ledger, routes, sending
from .auth import entitled
from .errors import NO_ID_ON_CREATE, TripletexError, missing_params, validation
from .orders import ORDER
from .pdf import invoice_pdf
from .schemas import TEMPLATES

bp = Blueprint("tripletex_invoices", __name__)

INVOICE = crud.Resource(
    "invoice",
    filters=[
        ("id", "id", "ids"),
        ("invoiceDateFrom", "invoiceDate", "date_from"),
        ("invoiceDateTo", "invoiceDate", "date_to"),
        ("invoiceNumber", "invoiceNumber", "eq"),
        ("kid", "kid", "eq"),
        ("voucherId", "voucher", "ref_ids"),
        ("customerId", "customer", "ref_eq"),  # "Equals": one customer, not a list
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
ONE_ORDER = "Kun én ordre per faktura støttes foreløpig."
NOT_ALIKE = (
    "Ordrene må ha samme kunde, valuta, forfall, mottaker-e-post, attn. og SMS-varslingsnummer."
)
# Orders invoiced together must agree on these (spec, :invoiceMultipleOrders). The spec also
# names smsNotificationNumber, which is no field of Order in 2.74, so it cannot differ here.
ALIKE = ("customer", "currency", "invoicesDueIn", "invoicesDueInType", "receiverEmail", "attn")
BODY_EXTRAS = {"paymentTypeId", "paidAmount"}


def _number(param: str, args=None) -> float | None:
    raw = (args if args is not None else request.args).get(param)
    if raw in (None, ""):
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise validation(param, "Ugyldig tall.") from None


def _send_wanted() -> bool:
    # sendToCustomer defaults to true (spec).
    return request.args.get("sendToCustomer", "true").lower() != "false"


def _prepay(invoice: dict, args) -> None:
    """Register the prepayment :invoice and POST /invoice take, and the rest amount.

    paidAmount is "in invoice currency"; an invoice in another currency also needs the
    amount in the payment type's currency (paidAmountAccountCurrency). With
    paymentTypeIdRestAmount "this second payment will be calculated as invoice amount -
    paidAmount" (spec), so paidAmount=0.01 plus a rest type settles it all (observed).
    """
    company_id = g.company_id
    payment_type, paid = args.get("paymentTypeId"), _number("paidAmount", args)
    if bool(payment_type) != bool(paid):
        raise validation(
            "paymentTypeId" if not payment_type else "paidAmount",
            "paymentTypeId og paidAmount må oppgis sammen.",
        )
    foreign, day = currency.is_foreign(invoice["currency"]), invoice["invoiceDate"]

    def account_amount(param: str, in_currency: float) -> float:
        if not foreign:
            return in_currency
        amount = _number(param, args)
        if amount is None:
            raise validation(param, ledger.NOT_NULL)
        return amount

    if payment_type and paid:
        nok = account_amount("paidAmountAccountCurrency", paid)
        ledger.pay(g.company_id, invoice, day, payment_type, nok, paid)
    rest_type = args.get("paymentTypeIdRestAmount")
    if rest_type not in (None, "", "0") and abs(invoice["amountCurrencyOutstanding"]) >= 0.005:
        rest = invoice["amountCurrencyOutstanding"]
        nok = account_amount("paidAmountAccountCurrencyRest", rest)
        ledger.pay(company_id, invoice, day, rest_type, nok, rest)


@bp.put("/v2/order/<int:order_id>/:invoice")
@entitled("invoice")
def invoice_order(order_id):
    envelopes.requested_fields("invoice")
    invoice_date = dates.query("invoiceDate")
    order = crud.fetch(crud.Resource("order"), g.company_id, order_id)
    with crud.atomic():
        invoice = ledger.invoice_orders(g.company_id, [order], invoice_date)
        _prepay(invoice, request.args)
        if _send_wanted():
            sending.send_after_charge(
                g.company_id,
                invoice,
                request.args.get("sendType"),
                request.args.get("overrideEmailAddress", ""),
            )
    return envelopes.value("invoice", invoice)


@bp.put("/v2/order/:invoiceMultipleOrders")
@entitled("invoice")
def invoice_orders():
    envelopes.requested_fields("invoice")
    ids = routes.ids_param("id")
    invoice_date = dates.query("invoiceDate")
    state = envelopes.state()
    orders = [state.get(g.company_id, "order", order_id) for order_id in ids]
    if any(order is None for order in orders):
        raise validation("id", "Objektet finnes ikke.")
    if any(order[key] != orders[0][key] for order in orders for key in ALIKE):
        raise validation("id", NOT_ALIKE)
    with crud.atomic():
        invoice = ledger.invoice_orders(g.company_id, orders, invoice_date)
        if _send_wanted():
            sending.send_after_charge(g.company_id, invoice, None)
    return envelopes.value("invoice", invoice)


def _new_invoice(body) -> dict:
    """Create and charge one invoice from a POST /invoice body (its order existing or new)."""
    if not isinstance(body, dict):
        raise TripletexError(422, 16000, "Forventet et objekt.")
    if body.get("id") not in (None, 0):
        raise validation("id", NO_ID_ON_CREATE)
    for key, value in body.items():
        if key not in TEMPLATES["invoice"] and key not in BODY_EXTRAS:
            raise TripletexError(
                422,
                16000,
                f"Feltet '{key}' finnes ikke i objektet.",
                validation=[(key, "Feltet eksisterer ikke i objektet.")],
            )
        dates.check_body("invoice", key, value)
    missing = [k for k in ("invoiceDate", "invoiceDueDate") if not body.get(k)]
    if missing:
        raise missing_params(*missing)
    orders = body.get("orders")
    if not isinstance(orders, list) or not orders:
        raise missing_params("orders")
    if len(orders) > 1:
        raise validation("orders", ONE_ORDER)
    given = orders[0]
    if not isinstance(given, dict):
        raise TripletexError(422, 16000, "Ugyldig ordre.")
    if given.get("id"):
        order = envelopes.state().get(g.company_id, "order", given["id"])
        if order is None:
            raise validation("orders.id", "Objektet finnes ikke.")
    else:
        order = crud.create(ORDER, g.company_id, given)  # a new order, lines embedded
    invoice = ledger.invoice_orders(
        g.company_id, [order], body["invoiceDate"], body["invoiceDueDate"]
    )
    invoice["comment"] = body.get("comment") or ""
    return invoice


def _prepay_from(body: dict) -> dict:
    """Prepayment parameters of one POST /invoice: the query's, else the body's [BETA] fields."""
    args = request.args.to_dict()
    for key in BODY_EXTRAS:
        if args.get(key) in (None, "") and body.get(key) not in (None, ""):
            args[key] = str(body[key])
    return args


@bp.post("/v2/invoice")
@entitled("invoice")
def create_invoice():
    envelopes.requested_fields("invoice")
    body = crud.body_json()
    with crud.atomic():
        invoice = _new_invoice(body)
        _prepay(invoice, _prepay_from(body))
        if _send_wanted():
            sending.send_after_charge(g.company_id, invoice, None)
    return envelopes.value("invoice", invoice, 201)


@bp.post("/v2/invoice/list")
@entitled("invoice")
def create_invoices():
    envelopes.requested_fields("invoice")
    batch = routes.items()

    def one(body):
        invoice = _new_invoice(body)
        _prepay(invoice, _prepay_from(body))
        return invoice

    with crud.atomic():
        made = routes.each(batch, one)
        if _send_wanted():
            for index, invoice in enumerate(made):
                try:
                    sending.send_after_charge(g.company_id, invoice, None)
                except TripletexError as error:
                    raise error.at(index) from None
    return envelopes.batch("invoice", made, 201)


@bp.get("/v2/invoice")
@entitled("invoice")
def list_invoices():
    missing = [p for p in ("invoiceDateFrom", "invoiceDateTo") if not request.args.get(p)]
    if missing:
        raise missing_params(*missing)
    return envelopes.listing("invoice", crud.search(INVOICE, g.company_id, request.args))


@bp.get("/v2/invoice/<int:invoice_id>")
@entitled("invoice")
def get_invoice(invoice_id):
    return envelopes.value("invoice", crud.fetch(INVOICE, g.company_id, invoice_id))


@bp.put("/v2/invoice/<int:invoice_id>/:send")
@entitled("invoice")
def send_invoice(invoice_id):
    invoice = crud.fetch(INVOICE, g.company_id, invoice_id)
    send_type = request.args.get("sendType")
    if not send_type:
        raise missing_params("sendType")
    sending.send(g.company_id, invoice, send_type, request.args.get("overrideEmailAddress", ""))
    # "204 No Content - When there is no answer, ex: /:anAction" (the spec's status codes).
    return "", 204


@bp.put("/v2/invoice/<int:invoice_id>/:payment")
@entitled("invoice")
def pay_invoice(invoice_id):
    invoice = crud.fetch(INVOICE, g.company_id, invoice_id)
    envelopes.requested_fields("invoice")
    missing = [p for p in ("paymentDate", "paymentTypeId", "paidAmount") if not request.args.get(p)]
    if missing:
        raise missing_params(*missing)
    with crud.atomic():
        ledger.pay(
            g.company_id,
            invoice,
            dates.query("paymentDate"),
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
    day = dates.query("date")
    with crud.atomic():
        note = ledger.credit(g.company_id, invoice, day, request.args.get("comment", ""))
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
            f"Belop inkl. mva: {invoice['amountCurrency']:.2f} {_code(invoice)}",
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


def _code(invoice: dict) -> str:
    found = envelopes.state().get(g.company_id, "currency", (invoice["currency"] or {}).get("id"))
    return found["code"] if found else "NOK"
