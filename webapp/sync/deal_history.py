"""Won deals from before the app: found in Tripletex by their marker, or invoiced only as the
person chose on the first sync's preview.

A portal installing the app has won deals already, most of them invoiced by hand long ago.
The first sync links a deal whose order carries its marker (an earlier install's, say) with
that order's invoice, and does with the rest what the person chose: nothing (the default:
an old deal is never invoiced by surprise), invoice them all, or invoice those closed on or
after a date. A deal left out is marked so in the binder: later edits do not invoice it; moved
off its won stage and back, it is won anew and follows the rule like any other.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from ..clients.errors import ApiError
from ..storage.mappings import LINKED, Link
from . import invoicing
from .context import SyncContext
from .customers import RESULT_SET_TOO_LARGE
from .deals import HUBSPOT_TYPE, KIND, DealSync
from .mapping.order import MARKER, calendar_date
from .outcome import Summary, stop_for
from .settings import WON_DEAL_HISTORY

EARLIEST = "2000-01-01"
CURSOR = "deal_history"  # {"done": true} once the first sync went through every deal
LINK_ONLY, INVOICE, INVOICE_SINCE = WON_DEAL_HISTORY


class OrderIndex:
    """Every Tripletex order carrying a deal's marker, by deal id: read once, a thousand a
    call (`GET /order` has no reference filter)."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self._by_deal: dict[str, dict] | None = None

    def get(self, deal_id: str) -> dict | None:
        if self._by_deal is None:
            self._by_deal = {}
            tomorrow = self.ctx.clock.today() + timedelta(days=1)
            for order in self._orders(date.fromisoformat(EARLIEST), tomorrow):
                found = deal_of(order.get("reference") or "")
                if found:
                    self._by_deal.setdefault(found, order)  # the first made is kept
        return self._by_deal.get(str(deal_id))

    def _orders(self, start: date, end: date):
        """Orders dated in [start, end); a window Tripletex finds too broad (over 10,000
        orders: 422, code 23000) is halved until it is not."""
        try:
            yield from self.ctx.tripletex.list(
                "/order",
                fields=invoicing.ORDER_FIELDS,
                params={"orderDateFrom": start.isoformat(), "orderDateTo": end.isoformat()},
            )
        except ApiError as error:
            if error.code != RESULT_SET_TOO_LARGE or (end - start).days <= 1:
                raise stop_for(error, idempotent=True) from error
            middle = start + timedelta(days=(end - start).days // 2)
            yield from self._orders(start, middle)
            yield from self._orders(middle, end)


def deal_of(reference: str) -> str | None:
    """The deal id a marker names, or None for another reference."""
    prefix, _, suffix = MARKER.partition("{id}")
    if reference.startswith(prefix) and reference.endswith(suffix):
        found = reference[len(prefix) : len(reference) - len(suffix)]
        return found if found.isdigit() else None
    return None


def won_unlinked(run: DealSync, deals: list[dict]) -> list[dict]:
    """The deals whose rule fires now and that have no order linked."""
    ctx = run.ctx
    rows = ctx.mappings.get(ctx.portal_id, HUBSPOT_TYPE, KIND, [d["id"] for d in deals])
    return [
        d for d in deals if run.rule(d)[1] and (rows.get(str(d["id"])) or {}).get("state") != LINKED
    ]


def invoices_now(settings, deal: dict) -> bool:
    """Whether the person's choice invoices this old deal."""
    if settings.won_deal_history == INVOICE:
        return True
    if settings.won_deal_history == INVOICE_SINCE and settings.history_since:
        closed = calendar_date((deal.get("properties") or {}).get("closedate"))
        return closed is not None and closed >= date.fromisoformat(settings.history_since)
    return False


class DealHistory:
    """The backfill's stage for deals: during the first sync, old won deals linked or left out,
    then the page synced; in a later full run (the nightly comparison), the page synced alone,
    as live sync would (a held deal stays held, a missed won deal is invoiced)."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self.first = not (ctx.cursors.get(ctx.portal_id, CURSOR) or {}).get("done")
        if self.first and ctx.settings.won_deal_history == INVOICE:  # "as if won today"
            today = dataclasses.replace(ctx.settings, invoice_date="today")
            ctx = dataclasses.replace(ctx, settings=today)
        self.run = DealSync(ctx)
        self.orders = OrderIndex(ctx)

    def properties(self) -> list[str]:
        return self.run.properties()

    def sync(self, deals: list[dict]) -> Summary:
        summary = Summary()
        for deal in won_unlinked(self.run, deals) if self.first else []:
            hid = str(deal["id"])
            order = self.orders.get(hid)
            now = invoices_now(self.ctx.settings, deal)
            if order is not None:
                if not self.link(hid, order) and not now:
                    self.skip(hid, invoicing.KIND)  # ordered then, not invoiced: kept so
                summary.counts["history_linked"] += 1
            elif not now:
                self.skip(hid, KIND)
                summary.counts["history_skipped"] += 1
        summary.add(self.run.sync(deals))
        return summary

    def link(self, hid: str, order: dict) -> bool:
        """The deal's order was made before (by an earlier install): linked, with its invoice
        if it has one (returns whether it has)."""
        self.ctx.mappings.link(
            self.ctx.portal_id,
            HUBSPOT_TYPE,
            KIND,
            [Link(hid, order["id"], str(order.get("number") or "") or None)],
        )
        invoice = self.invoice_of(order)
        if invoice is not None:
            invoicing.link_invoice(self.ctx, hid, invoice, None, made=False)
        return invoice is not None

    def invoice_of(self, order: dict) -> dict | None:
        customer = (order.get("customer") or {}).get("id")
        if not customer:
            return None
        tomorrow = self.ctx.clock.today() + timedelta(days=1)
        day = order.get("orderDate") or EARLIEST
        return invoicing.find_invoice(self.ctx, order["id"], customer, day, until=tomorrow)

    def skip(self, hid: str, kind: str) -> None:
        self.ctx.mappings.leave_out(self.ctx.portal_id, HUBSPOT_TYPE, kind, [hid])


def preview_row(run: DealSync, orders: OrderIndex, deal: dict, linked: bool) -> dict:
    """A won deal as the preview shows it: linked already, found by its marker, or not in
    Tripletex (what becomes of it is the person's choice)."""
    hid = str(deal["id"])
    out = {
        "hubspot_type": HUBSPOT_TYPE,
        "hubspot_id": hid,
        "name": str((deal.get("properties") or {}).get("dealname") or hid),
        "detail": {"closed": str((deal.get("properties") or {}).get("closedate") or "")[:10]},
    }
    if linked:
        return dict(out, outcome="linked")
    order = orders.get(hid)
    if order is not None:
        return dict(out, outcome="will_link", rule="marker", tripletex_id=order["id"])
    return dict(out, outcome="not_invoiced")


def finished(ctx: SyncContext) -> None:
    """The first sync went through every deal: from now on no deal is left out by it."""
    ctx.cursors.put(ctx.portal_id, CURSOR, {"done": True})
