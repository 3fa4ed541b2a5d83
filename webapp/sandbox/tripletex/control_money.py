"""Control API, the money part: invoices as the customer sees them, payments and credit notes,
the exchange-rate table and the Peppol registry (the views' bodies are checked in control.py)."""

from __future__ import annotations

from flask import request

from .. import inputs
from ..inputs import BadInput, iso_date
from . import currency, ledger
from .control import _body, _error, _plain, bp
from .envelopes import state as sandbox


def _invoice(invoice_id: int):
    company_id, invoice = sandbox().find_anywhere("invoice", invoice_id)
    return company_id, invoice


@bp.get("/invoices")
def invoices():
    """Every invoice (optionally `?companyId=`), with whether it was sent to the customer."""
    state = sandbox()
    wanted = inputs.integer_arg("companyId")
    with state.lock:
        rows = [
            dict(
                _plain(invoice),
                companyId=company_id,
                sentToCustomer=invoice.get("_sent", False),
                sendType=invoice.get("_send_type", ""),
                sendFailure=invoice.get("_send_failure", ""),
                sendAttempts=list(invoice.get("_sends", [])),
            )
            for company_id in state.companies
            if wanted in (None, company_id)
            for invoice in state.table(company_id, "invoice").values()
        ]
    return {"invoices": rows}


@bp.post("/invoices/<int:invoice_id>/pay")
def pay(invoice_id):
    """The customer pays: body amount in the invoice's currency (default: all outstanding),
    date (default today); a foreign-currency amount reaches the bank in NOK at that day's rate."""
    state, body = sandbox(), _body()
    with state.lock:
        company_id, invoice = _invoice(invoice_id)
        if invoice is None:
            return _error("no such invoice", 404)
        types = state.table(company_id, "paymentType")
        payment_type = body.get("paymentTypeId", next(iter(types)))  # default: paid to bank
        if payment_type not in types:
            raise BadInput(
                f"paymentTypeId: company {company_id} has no payment type {payment_type}"
            )
        amount = body.get("amount", invoice["amountCurrencyOutstanding"])
        # Overpaid already, the outstanding amount is negative: a default must not pay it back.
        if not amount or ("amount" not in body and amount < 0):
            raise BadInput(f"amount: nothing is outstanding on invoice {invoice_id}")
        day = body.get("date") or state.clock.today().isoformat()
        nok = round(currency.to_nok(invoice["currency"], float(amount), day), 2)
        ledger.pay(company_id, invoice, day, payment_type, nok, float(amount))
        return _plain(invoice)


@bp.post("/invoices/<int:invoice_id>/credit")
def credit(invoice_id):
    """Credit the whole invoice: body date (default today), comment."""
    state, body = sandbox(), _body()
    with state.lock:
        company_id, invoice = _invoice(invoice_id)
        if invoice is None:
            return _error("no such invoice", 404)
        note = ledger.credit(
            company_id,
            invoice,
            body.get("date") or state.clock.today().isoformat(),
            body.get("comment", ""),
        )
        return {"invoice": _plain(invoice), "creditNote": _plain(note)}


@bp.route("/rates", methods=["GET", "POST", "DELETE"])
def rates():
    """Exchange rates: body {"rates": {"EUR": {"2026-11-24": 11.71}}} (NOK per unit, per 100
    for SEK and DKK) adds to the table; DELETE leaves only the base rates."""
    state = sandbox()
    with state.lock:
        if request.method == "DELETE":
            state.rates.clear()
        elif request.method == "POST":
            table = _body().get("rates", {})
            for code, days in table.items():
                if code not in currency.BASE or code == "NOK":
                    raise BadInput(f"rates.{code}: not one of SEK, DKK, USD, EUR")
                for day in days:
                    iso_date()(f"rates.{code} key", day)
            for code, days in table.items():
                state.rates.setdefault(code, {}).update(days)
        return {
            "base": {code: rate for code, (_, rate) in currency.BASE.items()},
            "factors": {code: factor for code, (factor, _) in currency.BASE.items()},
            "rates": {code: dict(sorted(days.items())) for code, days in state.rates.items()},
        }


@bp.route("/peppol", methods=["GET", "POST", "DELETE"])
def peppol():
    """Organisation numbers registered for EHF in the Peppol network: body
    {"organizationNumbers": [...]} adds them; DELETE empties the registry."""
    state = sandbox()
    with state.lock:
        if request.method == "DELETE":
            state.peppol.clear()
        elif request.method == "POST":
            state.peppol.update(_body().get("organizationNumbers", []))
        return {"organizationNumbers": sorted(state.peppol)}
