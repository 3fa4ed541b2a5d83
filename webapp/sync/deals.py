"""Won HubSpot deals into Tripletex orders and invoices, exactly once, a page at a time.

A deal whose stage fires its pipeline's rule (sync/stages.py) gets its order: reserved in the
binder, created with a marker naming the deal in its `reference`, and linked; after a lost
answer the order is looked for by that marker before it is created again. A rule that
invoices then invoices the order (sync/invoicing.py), also exactly once. A deal that cannot be
ordered (no delivery date, a product Tripletex lacks, no customer, the plan's limit) is held,
with the reason on the deal; the next event for it, or Retry, tries again. Links never undo:
a deal moved back and forth, a repeated event or a crash's retry finds its order and invoice
and makes no second one. A deal whose amount or lines change after it was invoiced is
flagged, never invoiced again. The outcome goes back onto the deals in one batch write, with a
note on each new invoice's timeline.
"""

from __future__ import annotations

from ..clients.errors import ApiError
from ..portal.plans import month_start_utc
from ..portal.problems import Problem
from ..storage.mappings import LEFT_OUT, LINKED, RESERVED, UNLINKED, Link
from ..storage.sync_log import TO_HUBSPOT, TO_TRIPLETEX, Entry
from ..timeutil import isoformat
from . import invoicing, stages
from .batches import reason
from .context import SyncContext
from .customers import CustomerSync
from .deal_inputs import DealInputs, Draft
from .invoicing import find_order
from .mapping.order import DEAL_PROPERTIES, Order, calendar_date, fingerprint
from .outcome import Summary, stop_for
from .page import Page
from .products import ProductSync
from .remembered import forget, remembered

HUBSPOT_TYPE = "deals"
KIND = "order"
WRITE_BACK = (
    "tripletex_order_id",
    "tripletex_order_number",
    "tripletex_invoice_id",
    "tripletex_invoice_number",
    "tripletex_invoice_date",
    "tripletex_invoice_due_date",
    "tripletex_invoice_amount",
    "tripletex_amount_outstanding",
    "tripletex_kid",
    "tripletex_invoice_status",
    "tripletex_sync_status",
    "tripletex_sync_error",
)
NOTE_TO_DEAL = 214  # HubSpot's note-to-deal association type
NOTE = "note"  # the binder's kind for a deal's timeline note: reserved when owed, then linked
# The hold reasons a change in HubSpot or Retry can release; a refusal by Tripletex too.
PLAN_LIMIT = "plan_limit_reached"
# Problems kept on a deal that is done all the same: its invoice exists.
NOT_WAITING = frozenset({"invoice_not_sent", "invoice_send_unconfirmed", "changed_after_invoicing"})


class DealSync:
    """One run of the deal sync: the portal's pipelines, customers and products, read once."""

    def __init__(
        self,
        ctx: SyncContext,
        customers: CustomerSync | None = None,
        products: ProductSync | None = None,
    ):
        self.ctx = ctx
        self.customers = customers or CustomerSync(ctx, whole=False)
        self.products = products or ProductSync(ctx)
        self.inputs = DealInputs(ctx, self.customers, self.products)
        self._pipelines: dict[str, stages.Pipeline] | None = None
        self._reread = False

    def properties(self) -> list[str]:
        return [*DEAL_PROPERTIES, self.ctx.settings.delivery_date_property, *WRITE_BACK]

    def pipelines(self) -> dict[str, stages.Pipeline]:
        if self._pipelines is None:
            self._pipelines = remembered(self._pipelines_key(), self._read_pipelines)
        return self._pipelines

    def _pipelines_key(self) -> tuple:
        return ("pipelines", self.ctx.hubspot.api_base, self.ctx.portal_id)

    def _read_pipelines(self) -> dict[str, stages.Pipeline]:
        try:
            return stages.pipelines_of(self.ctx.hubspot.get_pipelines("deals"))
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error

    def rule(self, deal: dict) -> tuple[stages.Rule | None, bool]:
        """The deal's pipeline rule and whether its stage fires it. A pipeline or stage the run
        has not seen (made or renamed since) has the pipelines read again, once a run."""
        props = deal.get("properties") or {}
        pipeline_id, stage = str(props.get("pipeline") or ""), str(props.get("dealstage") or "")
        pipeline = self.pipelines().get(pipeline_id)
        if (pipeline is None or pipeline.stage(stage) is None) and not self._reread:
            self._reread, self._pipelines = True, None
            forget(self._pipelines_key())
            pipeline = self.pipelines().get(pipeline_id)
        if pipeline is None:
            return None, False
        rule = stages.rule_for(pipeline, self.ctx.settings.stage_rules.get(pipeline_id, {}))
        return rule, stages.fires(rule, stage)

    def sync(self, deals: list[dict]) -> Summary:
        """Sync one page of deals (as HubSpot returns them, with `properties()`)."""
        return _Page(self, deals).execute()


class _Page(Page):
    hubspot_type = HUBSPOT_TYPE
    kind = KIND
    path = "/order"
    id_property = "tripletex_order_id"

    def __init__(self, run: DealSync, deals: list[dict]):
        super().__init__(run.ctx, deals, dict)
        self.run = run
        self.invoice_rows = self.ctx.mappings.get(
            self.ctx.portal_id, HUBSPOT_TYPE, invoicing.KIND, self.records
        )
        self.drafts: dict[str, Order] = {}
        self.made: dict[str, Draft] = {}
        self.to_update: dict[str, dict] = {}
        self.to_create: list[str] = []
        self.to_invoice: list[str] = []  # deals whose rule invoices
        self.invoices: dict[str, dict] = {}  # the invoices this page made or found
        self.not_sent: dict[str, Problem] = {}
        self.changed: set[str] = set()
        self.released: set[str] = set()  # held deals that no longer fire
        self.new_invoices: list[str] = []

    def execute(self) -> Summary:
        with self.recording():
            self.settle_reserved()
            self.classify()
            self.create()
            self.invoice()
            self.flag_changes()
            self.write_back_deals()
            self.note_invoices()
        return self.summary

    # Steps

    def settle_reserved(self) -> None:
        """Orders whose create an earlier run never heard back from: found by their marker."""
        for hid, row in self.rows.items():
            if row["state"] != RESERVED:
                continue
            sent = row["identifiers"] or {}
            if sent.get("customer") and sent.get("date"):
                found = find_order(self.ctx, hid, sent["customer"], sent["date"])
                if found is not None:
                    self.link(hid, found, "found_after_interruption")

    def relink_returned(self) -> None:
        """A deal whose links were undone (deleted in HubSpot) but that HubSpot has again
        (restored, or a read that missed it for a moment): its order and invoice are still
        its own, never made a second time."""
        back = [
            hid
            for hid, row in self.rows.items()
            if row["state"] == UNLINKED and row.get("tripletex_id") and not row.get("merged_into")
        ]
        for kind in (KIND, invoicing.KIND, NOTE) if back else ():
            self.ctx.mappings.relink(self.ctx.portal_id, HUBSPOT_TYPE, kind, back, keep_hash=True)
        if back:
            self.rows.update(self.ctx.mappings.get(self.ctx.portal_id, HUBSPOT_TYPE, KIND, back))
            self.invoice_rows.update(
                self.ctx.mappings.get(self.ctx.portal_id, HUBSPOT_TYPE, invoicing.KIND, back)
            )

    def classify(self) -> None:
        self.relink_returned()
        firing: dict[str, bool] = {}
        for hid, deal in self.records.items():
            rule, fires = self.run.rule(deal)
            # A won deal from before the app the first sync left out (sync/deal_history.py):
            # not ordered or invoiced on a later edit; moved off its stage and back, it is won
            # anew.
            if fires and self.state_of(self.rows, hid) == LEFT_OUT:
                self.summary.counts["left_out"] += 1
            elif fires:
                invoices = rule.action == stages.INVOICE
                firing[hid] = invoices and self.state_of(self.invoice_rows, hid) != LEFT_OUT
            elif self.waiting(hid):  # held, then moved off its stage: it waits no more
                for kind in (KIND, invoicing.KIND):
                    self.ctx.mappings.release(self.ctx.portal_id, HUBSPOT_TYPE, kind, [hid])
                self.released.add(hid)
        if firing:
            self.summary.counts["won"] += len(firing)
        need = [hid for hid in firing if (self.rows.get(hid) or {}).get("state") != LINKED]
        allowance = self.allowance()
        if need:
            self.made = self.run.inputs.drafts([self.records[h] for h in need])
        for hid, invoices in firing.items():
            draft = self.made.get(hid)
            if draft is not None:
                self.drafts[hid] = draft.order
                if draft.order.held:
                    self.fail(hid, draft.order.problems[0])
                    continue
            invoice_state = (self.invoice_rows.get(hid) or {}).get("state")
            if invoices and invoice_state != LINKED:
                # A reserved invoice may exist already: it is looked for, not counted again.
                if allowance is not None and allowance <= 0 and invoice_state != RESERVED:
                    self.fail(hid, Problem(PLAN_LIMIT, {"deal": self.name(hid)}))
                    continue
                if allowance is not None:  # a reserved one too: it may be made anew
                    allowance -= 1
                self.to_invoice.append(hid)
            if draft is not None:
                self.to_create.append(hid)

    @staticmethod
    def state_of(rows: dict, hid: str) -> str | None:
        return (rows.get(hid) or {}).get("state")

    def waiting(self, hid: str) -> bool:
        """Whether the deal is held or left out: its order never made, or its invoice refused
        or over the plan's limit (an invoice made but not sent is not waiting)."""
        for row in (self.rows.get(hid), self.invoice_rows.get(hid)):
            if (row or {}).get("state") == LEFT_OUT:
                return True
            kind = ((row or {}).get("problem") or {}).get("kind")
            if kind and kind not in NOT_WAITING:
                return True
        return False

    def allowance(self) -> int | None:
        """How many more invoices the plan allows this month; None: no limit."""
        limit = self.ctx.invoice_limit
        if limit is None:
            return None
        since = isoformat(month_start_utc(self.ctx.clock.now()))
        return limit - self.ctx.mappings.count_created(
            self.ctx.portal_id, invoicing.KIND, since=since
        )

    def update(self) -> None:
        """An order is not changed from HubSpot: after invoicing it is the accountant's."""

    def create(self) -> None:
        self.create_all(
            self.to_create,
            lambda hid: self.drafts[hid].payload,
            lambda hid: {
                "customer": self.drafts[hid].payload["customer"]["id"],
                "date": self.drafts[hid].payload["orderDate"],
            },
            lambda hid: find_order(
                self.ctx,
                hid,
                self.drafts[hid].payload["customer"]["id"],
                self.drafts[hid].payload["orderDate"],
            ),
        )

    def invoice(self) -> None:
        """Invoice each deal's order that its rule invoices, exactly once."""
        unread = [h for h in self.to_invoice if h not in self.made]
        items = self.run.inputs.line_items(unread) if unread else {}
        for hid in self.to_invoice:
            row = self.rows.get(hid) or {}
            if row.get("state") != LINKED or hid in self.failed:
                continue
            inv_row = self.invoice_rows.get(hid) or {}
            if inv_row.get("state") == LINKED:
                continue
            sent = inv_row.get("identifiers") or {}
            reserved = inv_row.get("state") == RESERVED and sent.get("order") == row["tripletex_id"]
            customer, day = self.order_customer_and_date(hid, row)
            if reserved:
                customer, day = sent.get("customer", customer), sent.get("date", day)
            done = invoicing.invoice_order(
                self.ctx, hid, row["tripletex_id"], customer, day, reserved=reserved
            )
            if done.invoice is None:
                self.fail_invoice(hid, done.problem)
                continue
            held = self.made[hid].fingerprint if hid in self.made else None
            held = held or fingerprint(self.records[hid], items.get(hid, []))
            invoicing.link_invoice(self.ctx, hid, done.invoice, held)
            # Its timeline note is owed from now on, also if this page stops before it.
            self.ctx.mappings.reserve(
                self.ctx.portal_id, HUBSPOT_TYPE, NOTE, {hid: {"invoice": done.invoice["id"]}}
            )
            self.ctx.mappings.clear_problems(self.ctx.portal_id, HUBSPOT_TYPE, KIND, [hid])
            self.invoice_rows[hid] = {
                "state": LINKED,
                "tripletex_id": done.invoice["id"],
                "synced_hash": held,
                "problem": None,
            }
            self.invoices[hid] = done.invoice
            self.new_invoices.append(hid)
            self.summary.counts["invoiced"] += 1
            self.entries.append(
                _entry(hid, done.action, "invoice", done.invoice["id"], done.request_id)
            )
            if done.problem is not None:  # charged, but not sent, or not known to be
                self.not_sent[hid] = done.problem
                self.ctx.mappings.fail(
                    self.ctx.portal_id,
                    HUBSPOT_TYPE,
                    invoicing.KIND,
                    {hid: {"kind": done.problem.kind, "detail": done.problem.detail}},
                )
                self.invoice_rows[hid]["problem"] = {"kind": done.problem.kind}

    def order_customer_and_date(self, hid: str, row: dict) -> tuple[int, str]:
        """The customer and date the order was made with: this page's draft, else what was
        reserved, else the order as Tripletex has it."""
        if hid in self.drafts and self.drafts[hid].payload:
            payload = self.drafts[hid].payload
            return payload["customer"]["id"], self.invoice_date(hid, payload["orderDate"])
        sent = row.get("identifiers") or {}
        if sent.get("customer") and sent.get("date"):
            return sent["customer"], self.invoice_date(hid, sent["date"])
        try:
            order = self.ctx.tripletex.get(
                f"/order/{row['tripletex_id']}", fields=invoicing.ORDER_FIELDS
            )
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        return order["customer"]["id"], self.invoice_date(hid, order["orderDate"])

    def invoice_date(self, hid: str, order_date: str) -> str:
        """The day the rule fires, or the deal's close date as it is now (an order made at an
        earlier stage carries the close date expected then); never before its order's date."""
        if self.ctx.settings.invoice_date == "today":
            return max(self.ctx.clock.today().isoformat(), order_date)
        closed = calendar_date(self.properties_of(hid).get("closedate"))
        return max(closed.isoformat(), order_date) if closed else order_date

    def fail_invoice(self, hid: str, problem: Problem) -> None:
        """The invoice was refused: its row says why, and so does the order's (kept linked),
        so the deal counts as failing, not as done."""
        self.failed[hid] = problem
        for kind in (invoicing.KIND, KIND):
            self.ctx.mappings.fail(
                self.ctx.portal_id,
                HUBSPOT_TYPE,
                kind,
                {hid: {"kind": problem.kind, "detail": problem.detail}},
            )
        self.summary.counts["failed"] += 1
        self.entries.append(
            _entry(
                hid,
                "invoice",
                "invoice",
                None,
                None,
                status="failed",
                problem=problem,
                message=self.text(problem),
            )
        )

    def flag_changes(self) -> None:
        """Invoiced deals whose amount or lines changed since: flagged, not invoiced again."""
        invoiced = [
            hid
            for hid, row in self.invoice_rows.items()
            if row.get("state") == LINKED and hid not in self.new_invoices and hid in self.records
        ]
        if not invoiced:
            return
        items = self.run.inputs.line_items(invoiced)
        for hid in invoiced:
            held = self.invoice_rows[hid].get("synced_hash")
            if held and fingerprint(self.records[hid], items.get(hid, [])) != held:
                self.changed.add(hid)
                if self.properties_of(hid).get("tripletex_invoice_status") != (
                    "changed_after_invoicing"
                ):
                    problem = Problem("changed_after_invoicing", {"deal": self.name(hid)})
                    self.entries.append(
                        _entry(
                            hid,
                            "check",
                            "invoice",
                            self.invoice_rows[hid]["tripletex_id"],
                            None,
                            status="skipped",
                            problem=problem,
                            message=self.text(problem),
                        )
                    )
                    self.summary.counts["changed_after_invoicing"] += 1

    # Onto the deals

    def wanted(self, hid: str) -> dict | None:
        """What the deal should show of its order and invoice, or None to leave it alone."""
        row = self.rows.get(hid) or {}
        inv = self.invoice_rows.get(hid) or {}
        if hid in self.failed and row.get("state") != LINKED:
            return {
                "tripletex_sync_status": "held",
                "tripletex_sync_error": self.text(self.failed[hid]),
            }
        if hid in self.released and row.get("state") != LINKED:
            return {"tripletex_sync_status": "", "tripletex_sync_error": ""}
        if row.get("state") != LINKED:
            return None
        wanted = {
            "tripletex_order_id": str(row["tripletex_id"]),
            "tripletex_order_number": str(row.get("tripletex_number") or ""),
            "tripletex_invoice_status": "ordered",
            "tripletex_sync_status": "synced",
            "tripletex_sync_error": "",
        }
        if hid in self.failed:  # ordered, but the invoice was refused, or the plan is full
            wanted.update(
                tripletex_sync_status="held", tripletex_sync_error=self.text(self.failed[hid])
            )
        if inv.get("state") != LINKED:
            return wanted
        invoice = self.invoices.get(hid)
        props = self.properties_of(hid)
        if invoice is None and props.get("tripletex_invoice_id") != str(inv["tripletex_id"]):
            invoice = invoicing.read_invoice(self.ctx, inv["tripletex_id"])
        if invoice is not None:
            wanted.update(_invoice_properties(invoice))
        else:
            wanted["tripletex_invoice_id"] = str(inv["tripletex_id"])
        problem = self.not_sent.get(hid)
        kept = inv.get("problem") or {}
        if problem is None and kept.get("kind") in ("invoice_not_sent", "invoice_send_unconfirmed"):
            problem = Problem(kept["kind"], kept.get("detail") or {})
        status = "sent" if self.ctx.settings.send_to_customer else "invoiced"
        if problem is not None:
            status = "send_failed" if problem.kind == "invoice_not_sent" else "invoiced"
            wanted["tripletex_sync_error"] = self.text(problem)
        if hid in self.changed:
            status = "changed_after_invoicing"
            wanted["tripletex_sync_error"] = self.text(
                Problem("changed_after_invoicing", {"deal": self.name(hid)})
            )
        wanted["tripletex_invoice_status"] = status
        return wanted

    def write_back_deals(self) -> None:
        inputs = []
        for hid in self.records:
            wanted = self.wanted(hid)
            if wanted is None:
                continue
            props = self.properties_of(hid)
            differs = {k: v for k, v in wanted.items() if (props.get(k) or "") != v}
            if differs:
                differs["tripletex_last_synced"] = str(int(self.ctx.clock.time() * 1000))
                inputs.append({"id": hid, "properties": differs})
        self.send_updates(inputs)

    def note_invoices(self) -> None:
        """A note on each invoiced deal's timeline, saying what was made, with a link: the
        notes owed by this page and by earlier ones that stopped before writing theirs (a
        lost answer may write one twice: notes have no key to look them up by)."""
        rows = self.ctx.mappings.get(self.ctx.portal_id, HUBSPOT_TYPE, NOTE, self.records)
        owed = {
            hid: int((row.get("identifiers") or {}).get("invoice") or 0)
            for hid, row in rows.items()
            if row["state"] == RESERVED
        }
        for hid, invoice_id in owed.items():
            if hid not in self.invoices and invoice_id:
                found = invoicing.read_invoice(self.ctx, invoice_id)
                if found is not None:
                    self.invoices[hid] = found
        owed = {hid: i for hid, i in owed.items() if hid in self.invoices}
        if not owed:
            return
        now = str(int(self.ctx.clock.time() * 1000))
        inputs = [
            {
                "properties": {"hs_timestamp": now, "hs_note_body": self.note(hid)},
                "associations": [
                    {
                        "to": {"id": hid},
                        "types": [
                            {
                                "associationCategory": "HUBSPOT_DEFINED",
                                "associationTypeId": NOTE_TO_DEAL,
                            }
                        ],
                    }
                ],
            }
            for hid in owed
        ]
        try:
            # Without write trace ids a batch create is made whole or not at all.
            self.ctx.hubspot.batch_create("notes", inputs)
        except ApiError as error:
            # The invoices and their links stand; the notes stay owed for the deals' next run.
            self.entries.append(
                Entry(
                    TO_HUBSPOT,
                    HUBSPOT_TYPE,
                    None,
                    "note",
                    "failed",
                    object_type="invoice",
                    message=f"HubSpot refused the timeline notes: {error.message}",
                )
            )
            return
        self.ctx.mappings.link(
            self.ctx.portal_id,
            HUBSPOT_TYPE,
            NOTE,
            [Link(hid, invoice_id, created=True) for hid, invoice_id in owed.items()],
        )

    def note(self, hid: str) -> str:
        invoice = self.invoices[hid]
        number = invoice.get("invoiceNumber") or invoice["id"]
        order = self.rows[hid].get("tripletex_number") or self.rows[hid]["tripletex_id"]
        url = invoicing.invoice_url(self.ctx, invoice["id"])
        amount = invoice.get("amountCurrency")
        not_sent = hid in self.not_sent or (self.invoice_rows.get(hid) or {}).get("problem")
        sent = "" if not_sent or not self.ctx.settings.send_to_customer else " and sent"
        return (
            f'<p>Tripletex invoice <a href="{url}">{number}</a> was created{sent} from order '
            f"{order}: {amount} incl. VAT, due {invoice.get('invoiceDueDate') or '-'}.</p>"
        )

    # Hooks of the write protocol

    def link(self, hid: str, record: dict, action: str, *, request_id: str | None = None):
        super().link(hid, record, action, request_id=request_id)
        self.to_update.pop(hid, None)
        self.rows[hid]["tripletex_number"] = self.number_of(record)

    def number_of(self, order: dict) -> str | None:
        return str(order.get("number") or "") or None

    def name(self, hid: str) -> str:
        return str(self.properties_of(hid).get("dealname") or hid)

    def refusal(self, hid: str, error: ApiError) -> Problem:
        return Problem("tripletex_refused", {"record": self.name(hid), "reason": reason(error)})


def _invoice_properties(invoice: dict) -> dict:
    return {
        "tripletex_invoice_id": str(invoice["id"]),
        "tripletex_invoice_number": str(invoice.get("invoiceNumber") or ""),
        "tripletex_invoice_date": str(invoice.get("invoiceDate") or ""),
        "tripletex_invoice_due_date": str(invoice.get("invoiceDueDate") or ""),
        "tripletex_invoice_amount": _amount(invoice.get("amountCurrency")),
        "tripletex_amount_outstanding": _amount(invoice.get("amountCurrencyOutstanding")),
        "tripletex_kid": str(invoice.get("kid") or ""),
    }


def _amount(value) -> str:
    """An amount as HubSpot keeps a number: no trailing zeros, no exponent."""
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _entry(hid, action, object_type, tid, request_id, *, status="ok", problem=None, message=""):
    return Entry(
        TO_TRIPLETEX,
        HUBSPOT_TYPE,
        hid,
        action,
        status,
        object_type=object_type,
        tripletex_id=tid,
        message=message,
        problem={"kind": problem.kind, "detail": problem.detail} if problem else None,
        request_id=request_id,
    )
