"""Sending an invoice to its customer: whether the send method can reach them.

Observed on Tripletex (fidelity-findings A7): "422 Faktura kan ikke sendes via EHF" in
production and "... via PAPER" in Tripletex's sandbox, when the customer cannot be reached that
way. Here EHF needs an organisation number registered in the Peppol network (the sandbox's
registry, seeded through the control API), PAPER a postal address, EMAIL an address (a
setting); eFaktura, AvtaleGiro and Vipps need agreements the sandbox cannot hold, so they never
reach anyone. MANUAL sends nothing and always succeeds.
"""

from __future__ import annotations

from . import envelopes
from .errors import TripletexError, validation

METHODS = ("EMAIL", "EHF", "EFAKTURA", "AVTALEGIRO", "VIPPS", "PAPER", "MANUAL")
CANNOT = "Faktura kan ikke sendes via {method}"


def _email(company_id: int, invoice: dict, customer: dict, override: str) -> str:
    if override:
        return override
    state = envelopes.state()
    for ref in invoice["orders"]:
        order = state.get(company_id, "order", ref["id"])
        if order is not None and order["receiverEmail"]:
            return order["receiverEmail"]
    return customer["invoiceEmail"] or customer["email"]


def reachable(company_id: int, invoice: dict, method: str, override: str = "") -> bool:
    """Whether `method` can deliver `invoice` to its customer."""
    state = envelopes.state()
    customer = state.get(company_id, "customer", invoice["customer"]["id"]) or {}
    if method == "MANUAL":
        return True
    if method == "EMAIL":
        needs = state.settings["email_send_needs_address"]
        return not needs or bool(_email(company_id, invoice, customer, override))
    if method == "EHF":
        number = customer.get("organizationNumber") or ""
        return not customer.get("isPrivateIndividual") and number in state.peppol
    if method == "PAPER":
        ref = customer.get("postalAddress")
        address = state.get(company_id, "address", ref["id"]) if ref else None
        return bool(
            address and address["addressLine1"] and address["postalCode"] and address["city"]
        )
    return False  # EFAKTURA, AVTALEGIRO, VIPPS: no agreement to send through


def method_of(company_id: int, invoice: dict, send_type: str | None) -> str:
    """The method a send uses: the one asked for, else the customer's invoiceSendMethod."""
    if send_type:
        if send_type not in METHODS:
            raise validation("sendType", "Ugyldig verdi.")
        return send_type
    customer = envelopes.state().get(company_id, "customer", invoice["customer"]["id"]) or {}
    return customer.get("invoiceSendMethod") or "EMAIL"


def send(company_id: int, invoice: dict, send_type: str | None, override: str = "") -> None:
    """Send `invoice`, or raise the 422 Tripletex answers; either way, remember the attempt."""
    method = method_of(company_id, invoice, send_type)
    ok = reachable(company_id, invoice, method, override)
    invoice.setdefault("_sends", []).append({"method": method, "ok": ok})
    if not ok:
        invoice["_send_failure"] = method
        raise validation(None, CANNOT.format(method=method))
    invoice["_sent"] = True
    invoice["_send_type"] = method
    invoice.pop("_send_failure", None)


def send_after_charge(company_id: int, invoice: dict, send_type, override: str = "") -> None:
    """Send a just-charged invoice; a failure leaves it charged unless the setting says not."""
    try:
        send(company_id, invoice, send_type, override)
    except TripletexError as error:
        # The worst case for a retry: the invoice exists although the answer is 422.
        error.committed = bool(envelopes.state().settings["charge_before_send_failure"])
        raise
