"""The first sync's preview: how each company and product will pair with Tripletex, computed
before anything is written (it only reads), page by page in the worker.

It asks the same questions the backfill will: the same mapping, the same rules in the same
order, the same "one customer is one company". A company the rules cannot settle (several
candidates, or a customer another company already claims) waits for the person's decision,
which the backfill then follows.
"""

from __future__ import annotations

from collections.abc import Callable

from ..clients.errors import ApiError
from ..portal.problems import Problem, as_text
from ..storage.mappings import LINKED
from .context import SyncContext
from .customers import CustomerSync
from .deal_history import OrderIndex, preview_row
from .deals import DealSync
from .mapping import customer as customer_mapping
from .matching import AMBIGUOUS, LINK, domain_of, match_company
from .outcome import stop_for
from .products import ProductSync

CURSOR = "preview"
PAGE = 100


def compute(ctx: SyncContext, *, on_page: Callable[[dict], None] | None = None) -> dict:
    """Compute the whole preview; its progress is kept in the `preview` cursor."""
    ctx.previews.clear(ctx.portal_id)
    progress = {"state": "running", "done": {"companies": 0, "products": 0, "deals": 0}}
    ctx.cursors.put(ctx.portal_id, CURSOR, progress)
    customers, products = CustomerSync(ctx), ProductSync(ctx)
    label = {"label": customers.org_number_label()}
    taken = set(ctx.mappings.linked_tripletex_ids(ctx.portal_id, "customer"))
    for page in _pages(ctx, "companies", customers.properties()):
        rows = ctx.mappings.get(ctx.portal_id, "companies", "customer", [c["id"] for c in page])
        drafts = [
            customer_mapping.to_customer(
                c, ctx.settings, customers.countries(), customers.currencies()
            )
            for c in page
        ]
        customers.prepare(drafts, {d.hubspot_id: _domain(c) for d, c in zip(drafts, page)})
        ctx.previews.put(
            ctx.portal_id, [_company(ctx, c, rows, customers, taken, label) for c in page]
        )
        progress["done"]["companies"] += len(page)
        ctx.cursors.put(ctx.portal_id, CURSOR, progress)
        if on_page:
            on_page(progress)
    claimed = set(ctx.mappings.linked_tripletex_ids(ctx.portal_id, "product"))
    chosen = {c.hubspot_id: c for c in ctx.product_choices.all(ctx.portal_id)}
    for page in _pages(ctx, "products", products.properties()):
        rows = ctx.mappings.get(ctx.portal_id, "products", "product", [p["id"] for p in page])
        ctx.previews.put(
            ctx.portal_id, [_product(ctx, p, rows, products, claimed, chosen) for p in page]
        )
        progress["done"]["products"] += len(page)
        ctx.cursors.put(ctx.portal_id, CURSOR, progress)
        if on_page:
            on_page(progress)
    # Won deals: linked already, found in Tripletex by their marker, or not in Tripletex.
    deals, orders = DealSync(ctx, customers, products), OrderIndex(ctx)
    for page in _pages(ctx, "deals", deals.properties()):
        rows = ctx.mappings.get(ctx.portal_id, "deals", "order", [d["id"] for d in page])
        ctx.previews.put(
            ctx.portal_id,
            [
                preview_row(deals, orders, d, (rows.get(str(d["id"])) or {}).get("state") == LINKED)
                for d in page
                if deals.rule(d)[1]
            ],
        )
        progress["done"]["deals"] += len(page)
        ctx.cursors.put(ctx.portal_id, CURSOR, progress)
        if on_page:
            on_page(progress)
    progress = dict(progress, state="ready", counts=ctx.previews.counts(ctx.portal_id))
    ctx.cursors.put(ctx.portal_id, CURSOR, progress)
    return progress


def _pages(ctx: SyncContext, object_type: str, properties: list[str]):
    after = None
    while True:
        try:
            page, after = ctx.hubspot.list_page(
                object_type, after=after, properties=properties, limit=PAGE
            )
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        if page:
            yield page
        if not after:
            return


def _company(ctx, company, rows, customers: CustomerSync, taken: set[int], label: dict) -> dict:
    hid = str(company["id"])
    draft = customer_mapping.to_customer(
        company, ctx.settings, customers.countries(), customers.currencies()
    )
    row = rows.get(hid)
    out = {"hubspot_type": "companies", "hubspot_id": hid, "name": draft.name or hid}
    if row and row["state"] == LINKED:
        return dict(out, outcome="linked", tripletex_id=row["tripletex_id"])
    if draft.held:
        return dict(out, outcome="invalid", detail={"problem": as_text(draft.problems[0], **label)})
    found = match_company(
        draft,
        _domain(company),
        customers.index,
        ctx.settings.match_rules,
        taken,
    )
    detail: dict = {}
    if draft.problems:  # sent without what is wrong; the person may rather fix it first
        detail["problem"] = as_text(draft.problems[0], **label)
    if found.outcome == LINK:
        taken.add(found.customer_id)
        outcome = "invalid" if draft.problems else "will_link"
        return dict(
            out,
            outcome=outcome,
            rule=found.rule,
            tripletex_id=found.customer_id,
            detail=dict(detail, then="will_link", customer=_shown(customers, found.customer_id)),
        )
    if found.outcome == AMBIGUOUS:
        candidates = [_shown(customers, c) for c in found.candidates]
        return dict(
            out, outcome="ambiguous", rule=found.rule, detail=dict(detail, candidates=candidates)
        )
    return dict(
        out,
        outcome="invalid" if draft.problems else "will_create",
        detail=dict(detail, then="will_create"),
    )


def _domain(company: dict) -> str:
    props = company.get("properties") or {}
    return domain_of(props.get("domain") or props.get("website"))


def _shown(customers: CustomerSync, customer_id: int) -> dict:
    """A candidate customer as the person needs to tell it from the others."""
    found = customers.index.by_id[customer_id]
    return {
        "id": customer_id,
        "name": found.get("name") or "",
        "number": found.get("customerNumber"),
        "organizationNumber": found.get("organizationNumber") or "",
        "email": found.get("email") or "",
        "inactive": bool(found.get("isInactive")),
    }


def _product(ctx, item: dict, rows, products: ProductSync, claimed: set[int], chosen) -> dict:
    hid = str(item["id"])
    draft = products.draft(item)
    row = rows.get(hid)
    out = {"hubspot_type": "products", "hubspot_id": hid, "name": draft.name}
    choice = chosen.get(hid)
    if (
        row
        and row["state"] == LINKED
        and (choice is None or row["tripletex_id"] == choice.tripletex_id)
    ):
        return dict(out, outcome="linked", tripletex_id=row["tripletex_id"])
    if draft.held:
        return dict(out, outcome="invalid", detail={"problem": as_text(draft.problems[0])})
    if choice is not None and choice.tripletex_id in claimed:  # another HubSpot product's
        problem = Problem(
            "product_choice_taken",
            {
                "product": draft.name,
                "number": choice.tripletex_number or "-",
                "name": choice.tripletex_name,
            },
        )
        return dict(out, outcome="invalid", detail={"problem": as_text(problem)})
    if choice is not None:  # the manual product mapping
        claimed.add(choice.tripletex_id)
        return dict(out, outcome="will_link", rule="chosen", tripletex_id=choice.tripletex_id)
    found = products.by_number().get(draft.number) if draft.number else None
    if found is not None and found["id"] in {c.tripletex_id for c in chosen.values()}:
        found = None  # chosen for another HubSpot product
    if found is not None and found["id"] not in claimed:
        claimed.add(found["id"])
        return dict(out, outcome="will_link", rule="number", tripletex_id=found["id"])
    if found is not None:
        problem = Problem(
            "tripletex_refused",
            {
                "record": draft.name,
                "reason": f"product number {draft.number} is already linked to another "
                "HubSpot product",
            },
        )
        return dict(out, outcome="invalid", detail={"problem": as_text(problem)})
    if ctx.settings.unmatched_products == "leave":
        return dict(out, outcome="unmatched")
    return dict(out, outcome="will_create")
