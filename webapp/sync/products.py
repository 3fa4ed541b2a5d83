"""HubSpot products into Tripletex products, a page at a time.

A product is matched by its SKU, which is Tripletex's product number (a string: the
integer-only `number` filter is never used). Unmatched products are created, or left for the
deal sync's not-found policy, as the portal chose; a created product gets the portal's
default VAT code, resolved to the company's own VAT type id (ids are not the codes). Product
names need not be unique in Tripletex: a name already used by a product with another number
is created all the same, and said so in the log.
"""

from __future__ import annotations

from collections import defaultdict

from ..clients.errors import Action, ApiError, UnexpectedResponse, classify
from ..portal.problems import Problem
from ..storage.mappings import LINKED, RESERVED, Link
from .batches import reason, send_each
from .context import SyncContext
from .mapping import product as mapping
from .mapping.product import changes
from .outcome import Summary, stop_for
from .page import Page

HUBSPOT_TYPE = "products"
KIND = "product"
FIELDS = "id,version,name,number,priceExcludingVatCurrency,description,isInactive,vatType(id)"
WRITE_BACK = ("tripletex_product_id", "tripletex_sync_status", "tripletex_sync_error")


class ProductSync:
    """One run of the product sync; Tripletex's products and VAT types are read once a run."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self._by_number: dict[str, dict] | None = None
        self._by_name: dict[str, list[dict]] = defaultdict(list)
        self._vat: dict[str, int] | None = None

    def properties(self) -> list[str]:
        return [*mapping.PROPERTIES, *WRITE_BACK]

    def by_number(self) -> dict[str, dict]:
        if self._by_number is None:
            self._by_number = {}
            try:
                for inactive in ("false", "true"):
                    for found in self.ctx.tripletex.list(
                        "/product", fields=FIELDS, params={"isInactive": inactive}
                    ):
                        self.add(found)
            except ApiError as error:
                raise stop_for(error, idempotent=True) from error
        return self._by_number

    def add(self, product: dict) -> None:
        self.by_number()
        if product.get("number"):
            self._by_number[str(product["number"])] = product
        if product.get("name"):
            self._by_name[product["name"]].append(product)

    def named(self, name: str) -> list[dict]:
        self.by_number()
        return self._by_name.get(name, [])

    def vat_types(self) -> dict[str, int]:
        """The company's outgoing VAT codes today: code number -> its VAT type id."""
        if self._vat is None:
            today = self.ctx.clock.now().date().isoformat()
            try:
                self._vat = {
                    str(v["number"]): v["id"]
                    for v in self.ctx.tripletex.list(
                        "/ledger/vatType",
                        fields="id,number",
                        params={"typeOfVat": "OUTGOING", "vatDate": today},
                    )
                }
            except ApiError as error:
                raise stop_for(error, idempotent=True) from error
        return self._vat

    def sync(self, products: list[dict]) -> Summary:
        page = _Page(self, products)
        with page.recording():
            page.settle_reserved()
            page.classify()
            page.update()
            page.create()
            page.write_back(lambda hid, product: {"tripletex_product_id": str(product["id"])})
        return page.summary


class _Page(Page):
    hubspot_type = HUBSPOT_TYPE
    kind = KIND

    def __init__(self, run: ProductSync, products: list[dict]):
        super().__init__(run.ctx, products, dict)
        self.run = run
        self.drafts = {hid: mapping.to_product(p) for hid, p in self.records.items()}
        self.to_update: dict[str, dict] = {}
        self.to_create: list[str] = []

    def settle_reserved(self) -> None:
        for hid, row in self.rows.items():
            if row["state"] == RESERVED and hid in self.drafts:
                # As it was sent then: the product may have changed in HubSpot since.
                sent = row["identifiers"] or {}
                found = self.find_created(sent.get("name", ""), sent.get("number", ""))
                if found is not None:
                    self.link(hid, found, "found_after_interruption")

    def classify(self) -> None:
        taken = set(self.ctx.mappings.linked_tripletex_ids(self.ctx.portal_id, KIND))
        for hid, draft in self.drafts.items():
            row = self.rows.get(hid) or {}
            if draft.held:
                self.fail(hid, draft.problems[0])
                continue
            if hid in self.to_update:
                continue
            if row.get("state") == LINKED:
                if row["synced_hash"] == draft.hash and self._written_back(hid, row):
                    self.summary.counts["unchanged"] += 1
                else:
                    self.to_update[hid] = {}
                continue
            found = self.run.by_number().get(draft.number) if draft.number else None
            if found is not None and found["id"] not in taken:
                taken.add(found["id"])
                self.link(hid, found, "matched_by_number")
            elif found is not None:  # its number belongs to another HubSpot product's link
                self.fail(
                    hid,
                    Problem(
                        "tripletex_refused",
                        {
                            "record": draft.name,
                            "reason": f"product number {draft.number} is already linked to "
                            "another HubSpot product",
                        },
                    ),
                    action="match",
                )
            elif self.ctx.settings.unmatched_products == "leave":
                self.summary.counts["left_unmatched"] += 1
                self.note(
                    hid,
                    Problem(
                        "product_unmatched",
                        {"product": draft.name, "number": draft.number or "-"},
                    ),
                )
            else:
                self.to_create.append(hid)

    def update(self) -> None:
        unread = [hid for hid, cur in self.to_update.items() if not cur]
        if unread:
            current = self._read([self.rows[hid]["tripletex_id"] for hid in unread])
            for hid in unread:
                tid = self.rows[hid]["tripletex_id"]
                if tid in current:
                    self.to_update[hid] = current[tid]
                else:
                    self.to_update.pop(hid)
                    self.fail(
                        hid,
                        Problem(
                            "tripletex_refused",
                            {
                                "record": self.drafts[hid].name,
                                "reason": f"product {tid} no longer exists in Tripletex",
                            },
                        ),
                        action="update",
                    )
        for attempt in (1, 2):
            pending = {h: changes(self.drafts[h], cur) for h, cur in self.to_update.items()}
            for hid in [h for h, change in pending.items() if not change]:
                self.settle(hid, self.to_update.pop(hid))
                self.summary.counts["unchanged"] += 1
            if not self.to_update:
                break
            hids = list(self.to_update)
            items = [
                dict(pending[h], id=self.to_update[h]["id"], version=self.to_update[h]["version"])
                for h in hids
            ]
            sent = send_each(
                lambda chunk: self.ctx.tripletex.update_many("/product", chunk),
                items,
                idempotent=True,
            )
            for position, written in sent.done.items():
                hid = hids[position]
                self.to_update.pop(hid)
                self.settle(hid, written)
                self.summary.counts["updated"] += 1
                self.entry(hid, "update", written.get("id"), request_id=written.request_id)
            for position, error in sent.refused.items():
                hid = hids[position]
                self.to_update.pop(hid)
                self.fail(hid, self.refusal(hid, error), action="update", error=error)
            if not sent.stopped:
                break
            error = sent.error or UnexpectedResponse("Tripletex", "a short answer to a batch")
            if classify(error, idempotent=True).action is not Action.REREAD or attempt == 2:
                self.link_rows(self.settled)
                raise stop_for(error, idempotent=True)
            fresh = self._read([self.to_update[hids[p]]["id"] for p in sent.stopped])
            for position in sent.stopped:
                hid = hids[position]
                self.to_update[hid] = fresh.get(self.to_update[hid]["id"], self.to_update[hid])
        self.link_rows(self.settled)
        self.settled = []

    def create(self) -> None:
        if not self.to_create:
            return
        code = self.ctx.settings.vat_code
        vat_type = self.run.vat_types().get(code)
        if vat_type is None:
            available = ", ".join(sorted(self.run.vat_types(), key=lambda n: int(n))) or "-"
            for hid in self.to_create:
                self.fail(
                    hid, Problem("vat_code_unavailable", {"code": code, "available": available})
                )
            return
        for hid in self.to_create:
            draft = self.drafts[hid]
            others = [p for p in self.run.named(draft.name) if p.get("number") != draft.number]
            if others:
                self.note(
                    hid,
                    Problem(
                        "product_name_taken",
                        {
                            "product": draft.name,
                            "other": others[0].get("number") or "-",
                            "number": draft.number or "-",
                        },
                    ),
                )
        self.ctx.mappings.reserve(
            self.ctx.portal_id,
            HUBSPOT_TYPE,
            KIND,
            {
                hid: {"name": self.drafts[hid].name, "number": self.drafts[hid].number}
                for hid in self.to_create
            },
        )
        pending = list(self.to_create)
        error: ApiError | None = None
        for _ in (1, 2):
            sent = send_each(
                lambda chunk: self.ctx.tripletex.create_many("/product", chunk),
                [self.drafts[hid].create_payload(vat_type) for hid in pending],
                idempotent=False,
            )
            for position, written in sent.done.items():
                self.link(pending[position], written, "create", request_id=written.request_id)
            for position, refusal in sent.refused.items():
                hid = pending[position]
                self.fail(hid, self.refusal(hid, refusal), action="create", error=refusal)
            if not sent.stopped:
                return
            stopped = [pending[p] for p in sent.stopped]
            error = sent.error or UnexpectedResponse("Tripletex", "a short answer to a batch")
            if classify(error, idempotent=False).action is not Action.REREAD:
                raise stop_for(error, idempotent=False)
            pending = []
            for hid in stopped:
                draft = self.drafts[hid]
                found = self.find_created(draft.name, draft.number)
                if found is not None:
                    self.link(hid, found, "found_after_lost_answer")
                else:
                    pending.append(hid)
            if not pending:
                return
        raise stop_for(error, idempotent=False)

    # Helpers

    def link(self, hid: str, product: dict, action: str, *, request_id: str | None = None):
        created = action == "create"
        self.link_rows(
            [
                Link(
                    hid,
                    product["id"],
                    str(product.get("number") or "") or None,
                    product.get("version"),
                    self.drafts[hid].hash if created else None,
                )
            ]
        )
        self.rows[hid] = dict(self.rows.get(hid) or {}, state=LINKED, tripletex_id=product["id"])
        self.summary.counts["created" if created else "linked"] += 1
        self.entry(hid, action, product["id"], request_id=request_id)
        self.run.add(product)
        if created:
            self.linked[hid] = product
        else:
            self.to_update[hid] = product if "version" in product else {}

    def settle(self, hid: str, product: dict) -> None:
        self.linked[hid] = product
        self.settled.append(
            Link(
                hid,
                product["id"],
                str(product.get("number") or "") or None,
                product.get("version"),
                self.drafts[hid].hash,
            )
        )

    def find_created(self, name: str, number: str) -> dict | None:
        """The product a create may have made, by what it was sent with: its number (a true
        array parameter), or without one its name, among products no HubSpot product is
        linked to."""
        if number:
            params = {"productNumber": [number]}
        elif name:
            params = {"name": name}
        else:
            return None
        taken = set(self.ctx.mappings.linked_tripletex_ids(self.ctx.portal_id, KIND))
        try:
            found = [
                p
                for p in self.ctx.tripletex.list("/product", fields=FIELDS, params=params)
                if p["id"] not in taken
                and p.get("name") == name
                and (p.get("number") or "") == number
            ]
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        return max(found, key=lambda p: p["id"]) if found else None

    def refusal(self, hid: str, error: ApiError) -> Problem:
        return Problem(
            "tripletex_refused", {"record": self.drafts[hid].name, "reason": reason(error)}
        )

    def _read(self, ids) -> dict[int, dict]:
        try:
            return {p["id"]: p for p in self.ctx.tripletex.get_many("/product", ids, fields=FIELDS)}
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error

    def _written_back(self, hid: str, row: dict) -> bool:
        props = self.properties_of(hid)
        return props.get("tripletex_product_id") == str(row["tripletex_id"]) and (
            props.get("tripletex_sync_status") == "synced"
        )
