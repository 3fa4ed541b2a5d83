"""Live sync: act on HubSpot's events, reading the records they name as they are now.

An event only says which record to look at: the records are read in batches and written
where they differ, so duplicate, late and out-of-order events cost nothing, and two property
changes from one save end in one write. Deletions, merges and restores first change the
links; a company a contact needs is synced before the contact, and deals come last, so the
customers and products their orders need are in place. A line item's change is its deal's.
Events are marked done only once acted on: work stopped by a slow service is done again by
the queue's retry.
"""

from __future__ import annotations

from collections.abc import Callable

from ..clients.errors import ApiError, NotFound
from ..storage.sync_log import TO_TRIPLETEX, Entry
from . import contacts
from .context import SyncContext
from .customers import CustomerSync
from .deals import DealSync
from .mapping.contact import PRIMARY, primary_company
from .outcome import PageFailed, Summary, stop_for
from .page import page_failed
from .products import ProductSync

BATCH = 500  # events taken at a time
KINDS = {"companies": "customer", "contacts": "contact", "products": "product", "deals": "order"}
# A deal has three links: its order, its invoice and its timeline note. None is ever
# deactivated or deleted in Tripletex.
LINKS = {object_type: (kind,) for object_type, kind in KINDS.items()} | {
    "deals": ("order", "invoice", "note")
}
TRIPLETEX_PATHS = {"customer": "/customer", "contact": "/contact", "product": "/product"}
# What stays of a person in Tripletex after a privacy deletion: the contact, inactive and
# nameless, because invoices may name it and bookkeeping law keeps them.
ERASED = {
    "firstName": "Slettet",
    "lastName": "kontakt",
    "email": "",
    "phoneNumberMobile": "",
    "phoneNumberWork": "",
    "isInactive": True,
}


def process_pending(ctx: SyncContext, *, on_batch: Callable[[], None] | None = None) -> Summary:
    """Act on every pending event of the portal. Privacy deletions are always carried out;
    the rest waits while the sync is paused or its first sync was not confirmed.

    `on_batch` is called after each batch (the runner renews the portal's lease there)."""
    summary = Summary()
    live = ctx.settings.confirmed and not ctx.settings.paused
    customers, products = CustomerSync(ctx, whole=False), ProductSync(ctx)
    deals = DealSync(ctx, customers, products)
    seen: set[int] = set()
    while True:
        events = [e for e in ctx.inbox.pending(ctx.portal_id, limit=BATCH) if e["id"] not in seen]
        if not live:
            events = [e for e in events if e["subscription_type"].endswith(".privacyDeletion")]
        if not events:
            return summary
        seen.update(e["id"] for e in events)
        summary.add(_act(ctx, events, customers, products, deals))
        ctx.inbox.done(e["id"] for e in events)
        if on_batch:
            on_batch()


def _act(ctx, events, customers: CustomerSync, products: ProductSync, deals: DealSync) -> Summary:
    summary = Summary()
    touched: dict[str, set[str]] = {kind: set() for kind in (*KINDS, "line_items")}
    erased: set[str] = set()
    for event in events:
        kind = event["subscription_type"].partition(".")[2]
        object_type, object_id = event["object_type"], event["object_id"]
        if object_type not in touched:
            continue
        if object_type == "line_items":  # its deal is what changes
            touched["line_items"].add(object_id)
            continue
        if kind == "privacyDeletion":
            erased.add(object_id)
        elif kind == "merge":
            touched[object_type].add(_merge(ctx, object_type, event["event"]))
        elif kind == "restore":
            _restore(ctx, object_type, object_id)
            touched[object_type].add(object_id)
        else:  # a change, a creation or a deletion: what HubSpot holds now decides
            touched[object_type].add(object_id)
    if erased:
        _erase(ctx, erased, summary)
        touched["contacts"] -= erased

    people = _read_contacts(ctx, touched["contacts"], summary)
    need = {primary_company(c) for c in people} - {None}
    linked = ctx.mappings.get(ctx.portal_id, "companies", "customer", need)
    touched["companies"] |= {c for c in need if (linked.get(c) or {}).get("state") != "linked"}
    companies = _read(ctx, "companies", touched["companies"], customers.properties(), summary)
    if companies:
        summary.add(_guarded(ctx, "companies", companies, customers.sync))
        # Contacts that waited for one of these companies can follow it now.
        waiting = _waiting_contacts(ctx, [c["id"] for c in companies])
        people += _read_contacts(ctx, waiting - {p["id"] for p in people}, summary)
    if people:
        summary.add(_guarded(ctx, "contacts", people, lambda p: contacts.sync_contacts(ctx, p)))
    items = _read(ctx, "products", touched["products"], products.properties(), summary)
    if items:
        summary.add(_guarded(ctx, "products", items, products.sync))
    won = touched["deals"] | _deals_of(ctx, touched["line_items"])
    found = _read(ctx, "deals", won, deals.properties(), summary)
    if found:
        summary.add(_guarded(ctx, "deals", found, deals.sync))
    return summary


def _deals_of(ctx, line_items: set[str]) -> set[str]:
    """The deals these line items are on."""
    if not line_items:
        return set()
    try:
        links = ctx.hubspot.batch_associations("line_items", "deals", sorted(line_items))
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error
    return {str(to["toObjectId"]) for targets in links.values() for to in targets}


def _guarded(ctx, object_type: str, records: list[dict], sync) -> Summary:
    """Sync a page; one no retry can finish is logged as failed rather than retried for ever."""
    try:
        return sync(records)
    except PageFailed as failure:
        return page_failed(ctx, object_type, records, failure)


def _waiting_contacts(ctx, company_ids: list[str]) -> set[str]:
    """The contacts of these companies that are not in Tripletex yet."""
    try:
        links = ctx.hubspot.batch_associations("companies", "contacts", company_ids)
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error
    ids = {str(to["toObjectId"]) for targets in links.values() for to in targets}
    rows = ctx.mappings.get(ctx.portal_id, "contacts", "contact", ids)
    return {i for i in ids if (rows.get(i) or {}).get("state") != "linked"}


def _read(ctx, object_type: str, ids: set[str], properties: list[str], summary) -> list[dict]:
    """The records as they are now. A linked one HubSpot no longer has was deleted there
    (whatever order its events came in): it is unlinked, or deactivated, now."""
    if not ids:
        return []
    try:
        found = ctx.hubspot.batch_read(object_type, sorted(ids), properties=properties).results
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error
    gone = ids - {str(r["id"]) for r in found}
    if gone:
        _delete(ctx, object_type, gone, summary)
    return list(found)


def _read_contacts(ctx, ids: set[str], summary) -> list[dict]:
    """Contacts with their companies, in the shape a list page has them."""
    people = _read(ctx, "contacts", ids, contacts.properties(), summary)
    if not people:
        return []
    try:
        links = ctx.hubspot.batch_associations("contacts", "companies", [p["id"] for p in people])
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error
    shaped = []
    for person in people:
        results = [
            {
                "id": str(to["toObjectId"]),
                "type": PRIMARY
                if any(t.get("typeId") == 1 for t in to.get("associationTypes") or [])
                else PRIMARY + "_unlabeled",
            }
            for to in links.get(str(person["id"]), [])
        ]
        shaped.append(dict(person, associations={"companies": {"results": results}}))
    return shaped


def _restore(ctx, object_type: str, object_id: str) -> None:
    """Restored in HubSpot: relinked, and active again in Tripletex if deletion deactivated it."""
    kind = KINDS[object_type]
    row = ctx.mappings.get(ctx.portal_id, object_type, kind, [object_id]).get(object_id)
    for each in LINKS[object_type]:
        ctx.mappings.relink(
            ctx.portal_id, object_type, each, [object_id], keep_hash=object_type == "deals"
        )
    if object_type == "deals":
        return  # an order is never deactivated, so nothing to reactivate
    if row and row["state"] == "unlinked" and ctx.settings.on_deletion == "deactivate":
        try:
            ctx.tripletex.update(
                f"{TRIPLETEX_PATHS[kind]}/{row['tripletex_id']}", {"isInactive": False}
            )
        except NotFound:
            pass
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error


def _merge(ctx, object_type: str, event: dict) -> str:
    """Move the merged-away records' link to the survivor; return the survivor's id."""
    primary = str(event.get("primaryObjectId") or event.get("objectId"))
    survivor = str(event.get("newObjectId") or primary)
    # The primary record's link first: its values won in HubSpot, so its customer stays.
    merged = [primary] if survivor != primary else []
    merged += [str(i) for i in event.get("mergedObjectIds") or [] if str(i) != primary]
    for kind in LINKS[object_type]:
        ctx.mappings.merge(ctx.portal_id, object_type, kind, survivor, merged)
    return survivor


def _delete(ctx, object_type: str, ids: set[str], summary: Summary) -> None:
    """Unlink records deleted in HubSpot; deactivate them in Tripletex if the portal says so.
    Nothing is deleted there: invoices and the ledger point at customers and products."""
    if not ids:
        return
    kind = KINDS[object_type]
    rows = ctx.mappings.get(ctx.portal_id, object_type, kind, ids)
    if object_type == "deals":
        # A held deal deleted waits for nothing now (its refused invoice neither); one the
        # first sync left out stays left out, should it be restored.
        for each in LINKS[object_type]:
            ctx.mappings.release(ctx.portal_id, object_type, each, ids, states=("failed",))
    entries = []
    for hid, row in rows.items():
        if row["state"] != "linked":
            continue
        action, status, message = "unlink", "ok", ""
        if ctx.settings.on_deletion == "deactivate" and object_type != "deals":
            try:
                ctx.tripletex.update(
                    f"{TRIPLETEX_PATHS[kind]}/{row['tripletex_id']}", {"isInactive": True}
                )
                action = "deactivate"
            except NotFound:
                pass  # already gone in Tripletex: unlinking is all there is to do
            except ApiError as error:
                stop = stop_for(error, idempotent=True)
                if not isinstance(stop, PageFailed):
                    raise stop from error
                status, message = "failed", f"Tripletex did not deactivate it: {error.message}"
        for each in LINKS[object_type]:
            ctx.mappings.unlink(ctx.portal_id, object_type, each, [hid])
        if object_type == "products":  # its product mapping goes with it; the product is free
            ctx.product_choices.forget(ctx.portal_id, [hid])
        summary.counts[action] += 1
        entries.append(
            Entry(
                TO_TRIPLETEX,
                object_type,
                hid,
                action,
                status,
                kind,
                row["tripletex_id"],
                message=message,
            )
        )
    ctx.log.record(ctx.portal_id, entries)


def _erase(ctx, contact_ids: set[str], summary: Summary) -> None:
    """A privacy deletion: the Tripletex contact loses the person's details and goes inactive,
    and nothing of the person stays in our tables (links, log, events), including what
    records merged into that contact left behind."""
    ids = set(contact_ids) | ctx.mappings.merged_into(ctx.portal_id, "contacts", contact_ids)
    rows = ctx.mappings.get(ctx.portal_id, "contacts", "contact", ids)
    entries = []
    for tripletex_id in {r["tripletex_id"] for r in rows.values() if r.get("tripletex_id")}:
        try:
            ctx.tripletex.update(f"/contact/{tripletex_id}", dict(ERASED))
        except NotFound:
            pass
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        entries.append(
            Entry(TO_TRIPLETEX, "contacts", None, "privacy_deletion", "ok", "contact", tripletex_id)
        )
    ctx.mappings.forget(ctx.portal_id, "contacts", ids)
    ctx.log.forget(ctx.portal_id, "contacts", ids)
    ctx.inbox.forget(ctx.portal_id, "contacts", ids)
    summary.counts["privacy_deletions"] += len(contact_ids)
    ctx.log.record(ctx.portal_id, entries)
    ctx.inbox.scrub()  # no deleted page of the person left in the database file
