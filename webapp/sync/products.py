"""HubSpot products into Tripletex products, a page at a time.

A product is matched by its SKU, which is Tripletex's product number (a string: the
integer-only `number` filter is never used). Unmatched products are created, or left for the
deal sync's not-found policy, as the portal chose; a created product gets the portal's
default VAT code, resolved to the company's own VAT type id (ids are not the codes). Product
names need not be unique in Tripletex: a name already used by a product with another number
is created all the same, and said so in the log.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from ..clients.errors import ApiError
from ..portal.problems import Problem
from ..storage.mappings import LINKED, RESERVED
from . import lookups
from .context import SyncContext
from .mapping import product as mapping
from .mapping.product import changes
from .outcome import Summary, stop_for
from .page import Page
from .remembered import remembered

HUBSPOT_TYPE = "products"
KIND = "product"
FIELDS = (
    "id,version,name,number,priceExcludingVatCurrency,description,isInactive,vatType(id),"
    "currency(id)"
)
WRITE_BACK = ("tripletex_product_id", "tripletex_sync_status", "tripletex_sync_error")
ONLY_OUTSIDE_VAT = "6"  # the one outgoing code of a company outside the VAT register


class ProductSync:
    """One run of the product sync; Tripletex's products and VAT types are read once a run."""

    def __init__(self, ctx: SyncContext):
        self.ctx = ctx
        self._by_number: dict[str, dict] | None = None
        self._by_name: dict[str, list[dict]] = defaultdict(list)
        self._vat: dict[str, int] | None = None
        self._currency: tuple[str, int | None] | None = None

    def properties(self) -> list[str]:
        return [*mapping.PROPERTIES, self.ctx.settings.product_number_property, *WRITE_BACK]

    def currency(self) -> tuple[str, int | None]:
        """The currency HubSpot's prices are in (the portal's company currency) and its
        Tripletex id, None when Tripletex has no such currency; read once a run."""
        if self._currency is None:
            try:
                code = str(self.ctx.hubspot.account_details().get("companyCurrency") or "NOK")
            except ApiError as error:
                raise stop_for(error, idempotent=True) from error
            self._currency = (code, lookups.currencies(self.ctx).get(code.upper()))
        return self._currency

    def draft(self, product: dict) -> mapping.Product:
        code, currency_id = self.currency()
        draft = mapping.to_product(product, self.ctx.settings.product_number_property, currency_id)
        if currency_id is None and "priceExcludingVatCurrency" in draft.payload:
            # Sent without a currency, the price would be taken as the company's own.
            problem = Problem("price_currency_unknown", {"product": draft.name, "code": code})
            return dataclasses.replace(draft, problems=(*draft.problems, problem))
        return draft

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
            today = self.ctx.clock.today().isoformat()
            client = self.ctx.tripletex
            self._vat = dict(
                remembered(
                    ("vat_types", client.base_url, self.ctx.portal_id, today),
                    lambda: self._read_vat_types(today),
                )
            )
        return self._vat

    def _read_vat_types(self, today: str) -> dict[str, int]:
        try:
            return {
                str(v["number"]): v["id"]
                for v in self.ctx.tripletex.list(
                    "/ledger/vatType",
                    fields="id,number",
                    params={"typeOfVat": "OUTGOING", "vatDate": today},
                )
            }
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error

    def default_vat_type(self) -> int | Problem:
        """The VAT type of the portal's default code in this company: a company outside the
        VAT register has code 6 alone, which is then the only right one."""
        types = self.vat_types()
        code = self.ctx.settings.vat_code
        if code in types:
            return types[code]
        if set(types) == {ONLY_OUTSIDE_VAT}:
            return types[ONLY_OUTSIDE_VAT]
        available = ", ".join(sorted(types, key=int)) or "-"
        return Problem("vat_code_unavailable", {"code": code, "available": available})

    def chosen_ids(self) -> dict[int, str]:
        """Every Tripletex product chosen by hand -> the HubSpot product it was chosen for."""
        return {
            c.tripletex_id: c.hubspot_id for c in self.ctx.product_choices.all(self.ctx.portal_id)
        }

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
        self.drafts = {hid: run.draft(p) for hid, p in self.records.items()}
        # The manual product mapping: what the person chose, whatever the numbers say.
        self.choices = self.ctx.product_choices.get(self.ctx.portal_id, self.records)
        self.chosen: set[str] = set()  # linked by a choice: Tripletex's number stays
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
        linked = self.ctx.mappings.linked_tripletex_ids(self.ctx.portal_id, KIND)
        taken = set(linked)
        # A product chosen for one HubSpot product is no other's by its number.
        chosen_elsewhere = self.run.chosen_ids()
        for hid, draft in sorted(self.drafts.items(), key=lambda item: not self.moving(item[0])):
            row = self.rows.get(hid) or {}
            if draft.held:
                self.fail(hid, draft.problems[0])
                continue
            if hid in self.to_update:
                continue
            choice = self.choices.get(hid)
            if choice is not None and not (
                row.get("state") == LINKED and row.get("tripletex_id") == choice.tripletex_id
            ):
                holder = linked.get(choice.tripletex_id)
                if holder is not None and holder != hid:
                    self.fail(
                        hid,
                        Problem(
                            "product_choice_taken",
                            {
                                "product": draft.name,
                                "number": choice.tripletex_number or "-",
                                "name": choice.tripletex_name,
                            },
                        ),
                        action="match",
                    )
                    continue
                if row.get("state") == LINKED:  # the product it leaves is free again
                    taken.discard(row["tripletex_id"])
                    linked.pop(row["tripletex_id"], None)
                taken.add(choice.tripletex_id)
                linked[choice.tripletex_id] = hid
                self.link(hid, {"id": choice.tripletex_id}, "linked_as_chosen_product")
                continue
            if row.get("state") == LINKED:
                if row["synced_hash"] == draft.hash and self.written_back(hid, row):
                    self.summary.counts["unchanged"] += 1
                else:
                    self.to_update[hid] = {}
                continue
            found = self.run.by_number().get(draft.number) if draft.number else None
            if found is not None and chosen_elsewhere.get(found["id"], hid) != hid:
                found = None  # as if Tripletex had no product with that number for this one
            if found is not None and found["id"] not in taken:
                taken.add(found["id"])
                linked[found["id"]] = hid
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
        self.update_all(
            lambda hid, current: changes(
                self.drafts[hid], current, keep_number=self.kept_by_choice(hid)
            )
        )

    def create(self) -> None:
        if not self.to_create:
            return
        vat_type = self.run.default_vat_type()
        if isinstance(vat_type, Problem):
            for hid in self.to_create:
                self.fail(hid, vat_type)
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

    def moving(self, hid: str) -> bool:
        """Linked, but chosen for another product: its move frees a product others may need,
        so it goes first."""
        row, choice = self.rows.get(hid) or {}, self.choices.get(hid)
        return bool(
            choice and row.get("state") == LINKED and row.get("tripletex_id") != choice.tripletex_id
        )

    def kept_by_choice(self, hid: str) -> bool:
        """Linked to the product chosen for it: Tripletex's number stays."""
        choice = self.choices.get(hid)
        return choice is not None and (self.rows.get(hid) or {}).get("tripletex_id") == (
            choice.tripletex_id
        )

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
