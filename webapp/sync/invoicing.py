"""Invoicing a deal's order exactly once, and finding an order or invoice a lost answer made.

Tripletex has no idempotency key, and `PUT /order/{id}/:invoice` is not safe to repeat: the
invoice is reserved in the binder first (with the date it is sent with), and after any failure
whose outcome is unknown it is looked for among the customer's invoices of that date before
`:invoice` is tried again. Tripletex charges the invoice before it sends it: a send that fails
(422 for an EHF customer outside Peppol, or PAPER without an address) leaves the invoice made,
so a refusal too is looked for, and a found invoice is linked and marked not sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..clients.errors import Action, ApiError, NotFound, UnexpectedResponse, classify
from ..clients.http import Written
from ..portal.problems import Problem
from ..storage.mappings import Link
from .batches import reason
from .context import SyncContext
from .mapping.order import marker
from .outcome import stop_for

HUBSPOT_TYPE = "deals"
KIND = "invoice"
ORDER_FIELDS = "id,number,reference,orderDate,customer(id)"
INVOICE_FIELDS = (
    "id,invoiceNumber,invoiceDate,invoiceDueDate,amountCurrency,amountCurrencyOutstanding,kid,"
    "orders(id),customer(id)"
)


@dataclass(frozen=True)
class Invoiced:
    """What became of invoicing an order: the invoice (when one exists) and, when it was not
    sent as asked, or not made at all, why."""

    invoice: dict | None
    problem: Problem | None = None
    action: str = "invoice"  # for the log: invoice, found_after_lost_answer, ...
    request_id: str | None = None


def _of_customer(
    ctx: SyncContext, path: str, fields: str, dated: str, customer_id: int, start: date, end: date
) -> list[dict]:
    """The customer's orders or invoices dated in [start, end): Tripletex requires both dates,
    even to list by customer, and takes the end as exclusive."""
    try:
        return list(
            ctx.tripletex.list(
                path,
                fields=fields,
                params={
                    "customerId": str(customer_id),
                    f"{dated}From": start.isoformat(),
                    f"{dated}To": end.isoformat(),
                },
            )
        )
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error


def find_order(ctx: SyncContext, deal_id: str, customer_id: int, day: str) -> dict | None:
    """The order a create for this deal may have made, by its marker (`GET /order` has no
    reference filter), among the customer's orders of that date."""
    start = date.fromisoformat(day)
    listed = _of_customer(
        ctx, "/order", ORDER_FIELDS, "orderDate", customer_id, start, start + timedelta(days=1)
    )
    found = [o for o in listed if (o.get("reference") or "") == marker(deal_id)]
    return min(found, key=lambda o: o["id"]) if found else None


def find_invoice(
    ctx: SyncContext, order_id: int, customer_id: int, day: str, *, until: date | None = None
) -> dict | None:
    """The invoice of this order, among the customer's invoices of that date (or from that
    date until `until`, exclusive)."""
    start = date.fromisoformat(day)
    end = until or start + timedelta(days=1)
    listed = _of_customer(ctx, "/invoice", INVOICE_FIELDS, "invoiceDate", customer_id, start, end)
    found = [i for i in listed if any(o.get("id") == order_id for o in i.get("orders") or [])]
    return min(found, key=lambda i: i["id"]) if found else None


def read_invoice(ctx: SyncContext, invoice_id: int) -> dict | None:
    try:
        return ctx.tripletex.get(f"/invoice/{invoice_id}", fields=INVOICE_FIELDS)
    except NotFound:
        return None
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error


def invoice_order(
    ctx: SyncContext, deal_id: str, order_id: int, customer_id: int, day: str, *, reserved: bool
) -> Invoiced:
    """Invoice the deal's order on `day`, exactly once. `reserved`: an earlier attempt's
    outcome is unknown, so its invoice is looked for first. Returns the invoice with the
    problem when it was refused or not sent; raises when the service stopped it (the invoice
    then stays reserved for the next run to look for)."""
    if reserved:
        found = find_invoice(ctx, order_id, customer_id, day)
        if found is not None:
            return Invoiced(found, action="found_after_interruption")
    identifiers = {"order": order_id, "customer": customer_id, "date": day}
    ctx.mappings.reserve(ctx.portal_id, HUBSPOT_TYPE, KIND, {deal_id: identifiers})
    settings = ctx.settings
    params = {
        "invoiceDate": day,
        # Tripletex's own default is to send: always said, and false unless chosen.
        "sendToCustomer": "true" if settings.send_to_customer else "false",
    }
    if settings.send_to_customer:
        params["sendType"] = settings.send_type
    for attempt in (1, 2):
        try:
            made: Written = ctx.tripletex.action(f"/order/{order_id}/:invoice", params)
        except ApiError as error:
            decision = classify(error, idempotent=False)
            if decision.action in (Action.RETRY, Action.PAUSE):  # refused, nothing made
                raise stop_for(error, idempotent=False) from error
            # It may have acted (a lost answer), or it charged and then could not send.
            found = find_invoice(ctx, order_id, customer_id, day)
            if decision.action is Action.FATAL:
                problem = Problem(
                    "invoice_not_sent" if found is not None else "invoice_refused",
                    {"reason": reason(error), "method": settings.send_type},
                )
                return Invoiced(found, problem, request_id=error.request_id)
            if found is not None:
                # Made, but whether it was also sent is not known (Tripletex has answered a
                # send by MANUAL with a 500): the deal says so rather than "sent".
                unsure = (
                    Problem("invoice_send_unconfirmed", {"method": settings.send_type})
                    if settings.send_to_customer
                    else None
                )
                return Invoiced(found, unsure, action="found_after_lost_answer")
            if attempt == 2:
                raise stop_for(error, idempotent=False) from error
            continue
        if not made.get("id"):
            found = find_invoice(ctx, order_id, customer_id, day)
            if found is None:
                missing = UnexpectedResponse("Tripletex", "an :invoice answer without the invoice")
                raise stop_for(missing, idempotent=False)
            return Invoiced(found, action="found_after_lost_answer")
        return Invoiced(dict(made), request_id=made.request_id)
    raise AssertionError("unreachable")  # pragma: no cover


def invoice_url(ctx: SyncContext, invoice_id: int) -> str:
    """Where a person opens the invoice in Tripletex: its web app beside the API, in the
    company's context (the address seen in Tripletex's web app; no API documents it)."""
    base = ctx.tripletex.base_url.removesuffix("/").removesuffix("/v2")
    company = ctx.tripletex_company_id or ctx.tripletex.company_id
    return f"{base}/execute/invoiceMenu?invoiceId={invoice_id}&contextId={company}"


def link_invoice(
    ctx: SyncContext, deal_id: str, invoice: dict, fingerprint: str | None, *, made: bool = True
) -> None:
    """Link the deal's invoice; `made`: the app made it (the plans count those)."""
    ctx.mappings.link(
        ctx.portal_id,
        HUBSPOT_TYPE,
        KIND,
        [
            Link(
                deal_id,
                invoice["id"],
                str(invoice.get("invoiceNumber") or "") or None,
                None,
                fingerprint,
                created=made,
            )
        ],
    )
