"""A stand-in for the one page of Tripletex's web app the product links to: an invoice, at the
address Tripletex's web app shows (`/execute/invoiceMenu?invoiceId=…&contextId=…`), so the
link in a deal's timeline note opens something in the demo. Read-only, no login (the sandbox's
control API is as open)."""

from __future__ import annotations

from flask import Blueprint, abort, request
from markupsafe import escape

from .envelopes import state as sandbox

bp = Blueprint("tripletex_web_app", __name__)


@bp.get("/execute/invoiceMenu")
def invoice_menu():
    try:
        invoice_id = int(request.args.get("invoiceId", ""))
        company_id = int(request.args.get("contextId", ""))
    except ValueError:
        abort(404)
    state = sandbox()
    found_in, invoice = state.find_anywhere("invoice", invoice_id)
    if invoice is None or found_in != company_id:
        abort(404)
    customer = state.get(company_id, "customer", invoice["customer"]["id"]) or {}
    rows = "".join(
        f"<tr><td>{escape(line['description'])}</td><td>{line['count']:g}</td>"
        f"<td>{line['amountExcludingVatCurrency']:.2f}</td></tr>"
        for ref in invoice["orderLines"]
        if (line := state.get(company_id, "orderline", ref["id"])) is not None
    )
    return (
        "<!doctype html><meta charset=utf-8><title>Faktura</title>"
        f"<h1>Faktura {invoice['invoiceNumber']}</h1>"
        f"<p>Kunde: {escape(customer.get('name', ''))}</p>"
        f"<p>Fakturadato {invoice['invoiceDate']}, forfall {invoice['invoiceDueDate']}</p>"
        f"<table><tr><th>Beskrivelse</th><th>Antall</th><th>Beløp eks. mva</th></tr>{rows}</table>"
        f"<p>Å betale: {invoice['amountCurrency']:.2f}</p>"
        "<p><small>Tripletex-sandkassen: en enkel visning av fakturaen.</small></p>"
    )
