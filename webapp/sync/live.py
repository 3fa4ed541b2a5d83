"""Live sync: act on HubSpot's events, reading the records they name as they are now.

An event only says which record to look at: the records are read in batches and written
where they differ, so duplicate, late and out-of-order events cost nothing, and two property
changes from one save end in one write. Deletions, merges and restores first change the
links; a company a contact needs is synced before the contact. Events are marked done only
once acted on: work stopped by a slow service is done again by the queue's retry.
"""

from __future__ import annotations

from ..clients.errors import ApiError, NotFound
from ..storage.sync_log import TO_TRIPLETEX, Entry
from . import contacts
from .context import SyncContext
from .customers import CustomerSync
from .mapping.contact import PRIMARY, primary_company
from .outcome import Summary, stop_for
from .products import ProductSync

BATCH = 500  # events taken at a time
KINDS = {"companies": "customer", "contacts": "contact", "products": "product"}
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


def process_pending(ctx: SyncContext) -> Summary:
    """Act on every pending event of the portal; nothing before the first sync was confirmed."""
    summary = Summary()
    if ctx.settings.paused or not ctx.settings.confirmed:
        return summary
    customers, products = CustomerSync(ctx, whole=False), ProductSync(ctx)
    while events := ctx.inbox.pending(ctx.portal_id, limit=BATCH):
        summary.add(_act(ctx, events, customers, products))
        ctx.inbox.done(e["id"] for e in events)
    return summary


def _act(ctx, events, customers: CustomerSync, products: ProductSync) -> Summary:
    summary = Summary()
    touched: dict[str, set[str]] = {kind: set() for kind in KINDS}
    deleted: dict[str, set[str]] = {kind: set() for kind in KINDS}
    erased: set[str] = set()
    for event in events:
        kind = event["subscription_type"].partition(".")[2]
        object_type, object_id = event["object_type"], event["object_id"]
        if object_type not in KINDS:
            continue
        if kind == "privacyDeletion":
            erased.add(object_id)
        elif kind == "deletion":
            deleted[object_type].add(object_id)
        elif kind == "merge":
            survivor = _merge(ctx, object_type, event["event"])
            touched[object_type].add(survivor)
        elif kind == "restore":
            ctx.mappings.relink(ctx.portal_id, object_type, KINDS[object_type], [object_id])
            deleted[object_type].discard(object_id)
            touched[object_type].add(object_id)
        else:
            touched[object_type].add(object_id)
    for object_type, ids in deleted.items():
        _delete(ctx, object_type, ids - touched[object_type], summary)
    if erased:
        _erase(ctx, erased, summary)
    touched["contacts"] -= erased

    people = _read_contacts(ctx, touched["contacts"])
    need = {primary_company(c) for c in people} - {None}
    linked = ctx.mappings.get(ctx.portal_id, "companies", "customer", need)
    touched["companies"] |= {c for c in need if (linked.get(c) or {}).get("state") != "linked"}
    companies = _read(ctx, "companies", touched["companies"], customers.properties())
    if companies:
        summary.add(customers.sync(companies))
    if people:
        summary.add(contacts.sync_contacts(ctx, people))
    items = _read(ctx, "products", touched["products"], products.properties())
    if items:
        summary.add(products.sync(items))
    return summary


def _read(ctx, object_type: str, ids: set[str], properties: list[str]) -> list[dict]:
    """The records as they are now; deleted ones are simply not there."""
    if not ids:
        return []
    try:
        return ctx.hubspot.batch_read(object_type, sorted(ids), properties=properties).results
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error


def _read_contacts(ctx, ids: set[str]) -> list[dict]:
    """Contacts with their companies, in the shape a list page has them."""
    people = _read(ctx, "contacts", ids, contacts.properties())
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


def _merge(ctx, object_type: str, event: dict) -> str:
    """Move the merged-away records' link to the survivor; return the survivor's id."""
    primary = str(event.get("primaryObjectId") or event.get("objectId"))
    survivor = str(event.get("newObjectId") or primary)
    # The primary record's link first: its values won in HubSpot, so its customer stays.
    merged = [primary] if survivor != primary else []
    merged += [str(i) for i in event.get("mergedObjectIds") or [] if str(i) != primary]
    ctx.mappings.merge(ctx.portal_id, object_type, KINDS[object_type], survivor, merged)
    return survivor


def _delete(ctx, object_type: str, ids: set[str], summary: Summary) -> None:
    """Unlink records deleted in HubSpot; deactivate them in Tripletex if the portal says so.
    Nothing is deleted there: invoices and the ledger point at customers and products."""
    if not ids:
        return
    kind = KINDS[object_type]
    rows = ctx.mappings.get(ctx.portal_id, object_type, kind, ids)
    entries = []
    for hid, row in rows.items():
        if row["state"] != "linked":
            continue
        action = "unlink"
        if ctx.settings.on_deletion == "deactivate":
            try:
                ctx.tripletex.update(
                    f"{TRIPLETEX_PATHS[kind]}/{row['tripletex_id']}", {"isInactive": True}
                )
                action = "deactivate"
            except NotFound:
                pass  # already gone in Tripletex: unlinking is all there is to do
            except ApiError as error:
                raise stop_for(error, idempotent=True) from error
        ctx.mappings.unlink(ctx.portal_id, object_type, kind, [hid])
        summary.counts[action] += 1
        entries.append(
            Entry(TO_TRIPLETEX, object_type, hid, action, "ok", kind, row["tripletex_id"])
        )
    ctx.log.record(ctx.portal_id, entries)


def _erase(ctx, contact_ids: set[str], summary: Summary) -> None:
    """A privacy deletion: the Tripletex contact loses the person's details and goes inactive,
    and nothing of the person stays in our tables (links, log, events)."""
    rows = ctx.mappings.get(ctx.portal_id, "contacts", "contact", contact_ids)
    entries = []
    for row in rows.values():
        if row.get("tripletex_id"):
            try:
                ctx.tripletex.update(f"/contact/{row['tripletex_id']}", dict(ERASED))
            except NotFound:
                pass
            except ApiError as error:
                raise stop_for(error, idempotent=True) from error
            entries.append(
                Entry(
                    TO_TRIPLETEX,
                    "contacts",
                    None,
                    "privacy_deletion",
                    "ok",
                    "contact",
                    row["tripletex_id"],
                )
            )
    ctx.mappings.forget(ctx.portal_id, "contacts", contact_ids)
    ctx.log.forget(ctx.portal_id, "contacts", contact_ids)
    ctx.inbox.forget(ctx.portal_id, "contacts", contact_ids)
    summary.counts["privacy_deletions"] += len(contact_ids)
    ctx.log.record(ctx.portal_id, entries)
