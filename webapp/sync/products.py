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

from ..clients.errors import ApiError
from ..portal.problems import Problem
from ..storage.mappings import LINKED, RESERVED
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
        return _Page(self, products).execute()


class _Page(Page):
    hubspot_type = HUBSPOT_TYPE
    kind = KIND
    path = "/product"
    id_property = "tripletex_product_id"

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
                if row["synced_hash"] == draft.hash and self.written_back(hid, row):
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
        self.update_all(lambda hid, current: changes(self.drafts[hid], current))

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
        self.create_all(
            self.to_create,
            lambda hid: self.drafts[hid].create_payload(vat_type),
            lambda hid: {"name": self.drafts[hid].name, "number": self.drafts[hid].number},
            lambda hid: self.find_created(self.drafts[hid].name, self.drafts[hid].number),
        )

    # Helpers

    def linked_also(self, product: dict) -> None:
        self.run.add(product)

    def synced_properties(self, hid: str, product: dict) -> dict:
        return {"tripletex_product_id": str(product["id"])}

    def number_of(self, product: dict) -> str | None:
        return str(product.get("number") or "") or None

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

    def read(self, ids) -> dict[int, dict]:
        try:
            return {p["id"]: p for p in self.ctx.tripletex.get_many("/product", ids, fields=FIELDS)}
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
