"""What a page of won deals' orders are made of: each deal's customer, lines, currency and dates.

Everything is read for the page at once (associations, line items, products, VAT types), so a
page costs a few calls whatever its size. A customer or product Tripletex lacks is found or
created first, by the rules of their own syncs; what cannot be resolved holds the deal with a
problem that says what to fix in HubSpot. The deal's line items are read, never its amount
(HubSpot does not keep the two in step), unless the portal invoices a deal without lines on its
default product.
"""

from __future__ import annotations

import dataclasses

from ..clients.errors import ApiError
from ..portal.problems import Problem, as_text
from ..storage.mappings import LINKED
from . import lookups
from .context import SyncContext
from .customers import CustomerSync
from .mapping import contact as contact_mapping
from .mapping import order as mapping
from .mapping.order import Order
from .outcome import stop_for
from .private_customers import sync_private_customers
from .products import ProductSync

PRIMARY_COMPANY = 5  # HubSpot's deal-to-company "Primary" association type
PRODUCT_FIELDS = "id,number,name,vatType(id)"


@dataclasses.dataclass(frozen=True)
class Draft:
    """A deal's order as it would be sent, and what HubSpot held when it was made."""

    order: Order
    fingerprint: str  # of the deal's amount, currency and line items (for later changes)


class DealInputs:
    """The customers, products and reference data of one run, read once and kept."""

    def __init__(self, ctx: SyncContext, customers: CustomerSync, products: ProductSync):
        self.ctx = ctx
        self.customers = customers
        self.products = products
        self._currencies: dict[str, int] | None = None
        self._default: dict | None = None
        self._labels: dict[str, str] | None = None

    # The page

    def drafts(self, deals: list[dict]) -> dict[str, Draft]:
        """Each deal's order, or the problem holding it."""
        ids = [str(d["id"]) for d in deals]
        items = self.line_items(ids)
        drafts: dict[str, Draft] = {}
        pending: dict[str, dict] = {}
        for deal in deals:
            hid = str(deal["id"])
            fingerprint = mapping.fingerprint(deal, items.get(hid, []))
            problem = self._dates_problem(deal) or self._currency_problem(deal)
            if (
                problem is None
                and not items.get(hid)
                and self.ctx.settings.deal_without_lines != ("default_product")
            ):
                problem = Problem("deal_without_lines", {"deal": _name(deal)})
            if problem is not None:
                drafts[hid] = Draft(_held(deal, problem), fingerprint)
            else:
                pending[hid] = deal
        customers = self.customer_ids(list(pending.values()))
        terms = self.terms_of({c for c in customers.values() if isinstance(c, int)})
        lines = self.lines({hid: items.get(hid, []) for hid in pending}, pending)
        for hid, deal in pending.items():
            fingerprint = mapping.fingerprint(deal, items.get(hid, []))
            customer, made = customers[hid], lines[hid]
            if isinstance(customer, Problem) or isinstance(made, Problem):
                problem = customer if isinstance(customer, Problem) else made
                drafts[hid] = Draft(_held(deal, problem), fingerprint)
                continue
            order = self._order(deal, made, customer, terms.get(customer) or {})
            drafts[hid] = Draft(order, fingerprint)
        return drafts

    def terms_of(self, customer_ids: set[int]) -> dict[int, dict]:
        """The customers' own payment terms, when the order is due by them: whether Tripletex
        copies a customer's terms onto a new order is not documented (fidelity-findings A6),
        so they are read and sent."""
        if self.ctx.settings.due != "customer" or not customer_ids:
            return {}
        try:
            found = self.ctx.tripletex.get_many(
                "/customer", customer_ids, fields="id,invoicesDueIn,invoicesDueInType"
            )
            return {
                c["id"]: {
                    "invoicesDueIn": c["invoicesDueIn"],
                    "invoicesDueInType": c["invoicesDueInType"],
                }
                for c in found
                if isinstance(c.get("invoicesDueIn"), int) and c.get("invoicesDueInType")
            }
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error

    def _order(self, deal: dict, lines: list[mapping.Line], customer_id: int, terms: dict) -> Order:
        props = deal.get("properties") or {}
        settings = self.ctx.settings
        today = self.ctx.clock.today()
        invoiced = today
        if settings.invoice_date == "close_date":
            invoiced = mapping.calendar_date(props.get("closedate")) or today
        delivery = mapping.calendar_date(props.get(settings.delivery_date_property))
        order = mapping.to_order(
            deal,
            lines,
            customer_id=customer_id,
            currency_id=self.currencies()[_currency_code(deal)],
            order_date=invoiced,
            delivery_date=delivery or invoiced,
            prices_include_vat=settings.prices_include_vat,
        )
        if settings.due == "days":
            order.payload.update(invoicesDueIn=settings.due_days, invoicesDueInType="DAYS")
        else:
            order.payload.update(terms)
        return order

    def _dates_problem(self, deal: dict) -> Problem | None:
        name = self.ctx.settings.delivery_date_property
        if mapping.calendar_date((deal.get("properties") or {}).get(name)) is None:
            return Problem(
                "delivery_date_missing", {"deal": _name(deal), "property": self.label(name)}
            )
        return None

    def label(self, name: str) -> str:
        """A deal property as a person sees it ("Close date", not closedate), for messages."""
        if self._labels is None:
            try:
                found = self.ctx.hubspot.list_properties("deals")
            except ApiError:
                found = []  # the message then names the property by its internal name
            self._labels = {p.get("name"): p.get("label") for p in found if p.get("label")}
        return self._labels.get(name) or name

    def _currency_problem(self, deal: dict) -> Problem | None:
        code = _currency_code(deal)
        if code not in self.currencies():
            return Problem("deal_currency_unknown", {"deal": _name(deal), "code": code})
        return None

    # Reference data, once a run

    def currencies(self) -> dict[str, int]:
        if self._currencies is None:
            self._currencies = lookups.currencies(self.ctx)
        return self._currencies

    def default_product(self) -> dict | Problem:
        """The product the settings name for lines Tripletex has no product for."""
        number = self.ctx.settings.default_product
        if not number:
            return Problem("default_product_unset", {})
        if self._default is None:
            try:
                found = list(
                    self.ctx.tripletex.list(
                        "/product", fields=PRODUCT_FIELDS, params={"productNumber": [number]}
                    )
                )
            except ApiError as error:
                raise stop_for(error, idempotent=True) from error
            self._default = next((p for p in found if str(p.get("number")) == number), {})
        return self._default or Problem("default_product_missing", {"number": number})

    # Customers

    def customer_ids(self, deals: list[dict]) -> dict[str, int | Problem]:
        """Each deal's customer: its primary company's (else its first company's), found or
        created by the customer rules; with no company, its first contact as a private
        individual, or a problem, as the portal chose."""
        ids = [str(d["id"]) for d in deals]
        if not ids:
            return {}
        companies = {
            hid: _company_of(targets)
            for hid, targets in self._associations("companies", ids).items()
        }
        wanted = {c for c in companies.values() if c}
        found = self._linked("companies", "customer", wanted)
        unlinked = wanted - set(found)
        if unlinked:  # never synced, or failed: synced now, and their outcome read again
            read = self._read("companies", unlinked, self.customers.properties())
            if read:
                self.customers.sync(read)
            found.update(self._linked("companies", "customer", unlinked, problems=True))
        without = [hid for hid in ids if not companies.get(hid)]
        people: dict[str, str] = {}
        if without and self.ctx.settings.deal_without_company == "private_customer":
            people = {
                hid: min((str(t["toObjectId"]) for t in targets), key=lambda i: (len(i), i))
                for hid, targets in self._associations("contacts", without).items()
                if targets
            }
        persons = self._linked("contacts", "customer", set(people.values()))
        missing = set(people.values()) - set(persons)
        if missing:
            read = self._read("contacts", missing, contact_mapping.PROPERTIES)
            if read:
                sync_private_customers(self.ctx, read)
            persons.update(self._linked("contacts", "customer", missing, problems=True))
        names = {str(d["id"]): _name(d) for d in deals}
        result: dict[str, int | Problem] = {}
        for hid in ids:
            company, person = companies.get(hid), people.get(hid)
            if company:
                result[hid] = _customer_or_problem(found.get(company), names[hid], "company")
            elif person:
                result[hid] = _customer_or_problem(persons.get(person), names[hid], "contact")
            elif self.ctx.settings.deal_without_company == "private_customer":
                result[hid] = Problem("deal_without_customer", {"deal": names[hid]})
            else:
                result[hid] = Problem("deal_without_company", {"deal": names[hid]})
        return result

    # Lines

    def line_items(self, deal_ids: list[str]) -> dict[str, list[dict]]:
        """Each deal's line items as they are now, in HubSpot's order of association."""
        links = self._associations("line_items", deal_ids)
        wanted = {str(t["toObjectId"]) for targets in links.values() for t in targets}
        read = {str(r["id"]): r for r in self._read("line_items", wanted, mapping.LINE_PROPERTIES)}
        return {
            hid: [read[str(t["toObjectId"])] for t in targets if str(t["toObjectId"]) in read]
            for hid, targets in links.items()
        }

    def lines(
        self, items: dict[str, list[dict]], deals: dict[str, dict]
    ) -> dict[str, list[mapping.Line] | Problem]:
        """Each deal's order lines, its products found (or created, or replaced by the
        default product, as the portal chose), each line with its VAT type."""
        if not items:
            return {}
        vat = self.products.default_vat_type()
        if isinstance(vat, Problem):
            return {hid: vat for hid in items}
        products = self._products(
            {
                str((i.get("properties") or {}).get("hs_product_id"))
                for rows in items.values()
                for i in rows
                if (i.get("properties") or {}).get("hs_product_id")
            }
        )
        result: dict[str, list[mapping.Line] | Problem] = {}
        for hid, rows in items.items():
            if not rows:  # the settings invoice its amount on the default product
                rows = [_amount_line(deals[hid])]
            made: list[mapping.Line] = []
            for item in rows:
                product_id = str((item.get("properties") or {}).get("hs_product_id") or "")
                product = products.get(product_id) if product_id else None
                if (product_id and product is None) or item.get("default"):
                    product = self._instead(item)
                if isinstance(product, Problem):
                    result[hid] = product
                    break
                line, problem = mapping.to_line(item, product, vat)
                if problem is not None:
                    result[hid] = problem
                    break
                made.append(line)
            else:
                result[hid] = made
        return result

    def _instead(self, item: dict) -> dict | Problem:
        """A line whose product Tripletex does not have: the default product, or a hold."""
        if item.get("default") or self.ctx.settings.unmatched_line_products == "default_product":
            return self.default_product()
        props = item.get("properties") or {}
        return Problem(
            "line_product_missing",
            {
                "line": str(props.get("name") or item["id"]),
                "product": str(props.get("hs_sku") or props.get("hs_product_id") or "-"),
            },
        )

    def _products(self, hubspot_ids: set[str]) -> dict[str, dict]:
        """The Tripletex products ({id, vatType}) of these HubSpot products, synced first
        where not linked (created too when the deal policy says so)."""
        linked = self._linked("products", "product", hubspot_ids)
        unlinked = hubspot_ids - set(linked)
        if unlinked:
            run = self.products
            if self.ctx.settings.unmatched_line_products == "create":
                settings = dataclasses.replace(self.ctx.settings, unmatched_products="create")
                run = ProductSync(dataclasses.replace(self.ctx, settings=settings))
            read = self._read("products", unlinked, run.properties())
            if read:
                run.sync(read)
            linked.update(self._linked("products", "product", unlinked))
        if not linked:
            return {}
        try:
            current = {
                p["id"]: p
                for p in self.ctx.tripletex.get_many(
                    "/product", set(linked.values()), fields=PRODUCT_FIELDS
                )
            }
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        return {hid: current[tid] for hid, tid in linked.items() if tid in current}

    # Reading

    def _associations(self, to_type: str, deal_ids: list[str]) -> dict[str, list[dict]]:
        try:
            found = self.ctx.hubspot.batch_associations("deals", to_type, deal_ids)
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        return {hid: found.get(hid, []) for hid in deal_ids}

    def _read(self, object_type: str, ids: set[str], properties) -> list[dict]:
        if not ids:
            return []
        try:
            return list(
                self.ctx.hubspot.batch_read(object_type, sorted(ids), properties=properties).results
            )
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error

    def _linked(
        self, object_type: str, kind: str, ids: set[str], *, problems: bool = False
    ) -> dict:
        """Linked records among these, their Tripletex id by HubSpot id; with `problems`, a
        failed one's problem (a dict) instead of an id."""
        rows = self.ctx.mappings.get(self.ctx.portal_id, object_type, kind, ids)
        found: dict = {}
        for hid, row in rows.items():
            if row["state"] == LINKED:
                found[hid] = row["tripletex_id"]
            elif problems and row.get("problem"):
                found[hid] = row["problem"]
        return found


def _company_of(targets: list[dict]) -> str | None:
    """The deal's primary company, else the lowest id of its companies."""
    primary = [
        str(t["toObjectId"])
        for t in targets
        if any(a.get("typeId") == PRIMARY_COMPANY for a in t.get("associationTypes") or [])
    ]
    ids = primary or sorted({str(t["toObjectId"]) for t in targets}, key=lambda i: (len(i), i))
    return ids[0] if ids else None


def _customer_or_problem(found, deal: str, what: str) -> int | Problem:
    if isinstance(found, int):
        return found
    reason = as_text(Problem(found["kind"], found.get("detail") or {})) if found else ""
    return Problem(f"deal_{what}_not_synced", {"deal": deal, "reason": reason or "-"})


def _amount_line(deal: dict) -> dict:
    props = deal.get("properties") or {}
    return {
        "id": f"deal-{deal['id']}",
        "default": True,
        "properties": {
            "name": props.get("dealname") or str(deal["id"]),
            "quantity": "1",
            "price": props.get("amount"),
        },
    }


def _currency_code(deal: dict) -> str:
    return str((deal.get("properties") or {}).get("deal_currency_code") or "NOK").strip().upper()


def _name(deal: dict) -> str:
    return str((deal.get("properties") or {}).get("dealname") or deal["id"])


def _held(deal: dict, problem: Problem) -> Order:
    return Order(str(deal["id"]), _name(deal), {}, (problem,))
