"""The manual product mapping: a person says which Tripletex product a HubSpot product is.

Both products are named as a person knows them (a HubSpot product by its ID, SKU or name; a
Tripletex product by its number or name) and found with a few bounded calls. The choice is
kept, and a link the HubSpot product already has moves to the chosen product at once, so the
product it leaves is free for another choice; the sync then writes the fields and the
Tripletex id back (`app.productChoice` in the inbox asks the worker to). Removing a choice
unlinks the product, and the sync's own rules match it again.
"""

from __future__ import annotations

import sqlite3

from ..clients.errors import BadRequest, NotFound
from ..portal.problems import Problem
from ..storage.mappings import LINKED, Link
from ..storage.product_choices import Choice
from ..storage.sqlite import write_transaction
from .context import SyncContext

HUBSPOT_TYPE = "products"
KIND = "product"
EVENT = "app.productChoice"  # not HubSpot's: the app's own "look at this product again"
FIELDS = "id,name,number,isInactive"
LOOKUP_PAGE = 100


class NotChosen(Exception):
    """The choice cannot be made; `problem` says why, in words for the person."""

    def __init__(self, field: str, problem: Problem):
        super().__init__(problem.kind)
        self.field = field
        self.problem = problem


def find_hubspot_product(ctx: SyncContext, text: str) -> dict:
    """The one HubSpot product `text` names: its ID, else its product number (SKU), else its
    exact name. Search lags behind writes, so a product made a moment ago is found by ID."""
    text = text.strip()
    number_property = ctx.settings.product_number_property
    properties = ["name", number_property]
    if text.isascii() and text.isdigit() and len(text) <= 19:  # HubSpot ids are 64-bit
        try:
            return ctx.hubspot.get_object(HUBSPOT_TYPE, text, properties=properties)
        except (NotFound, BadRequest):
            pass
    for prop in (number_property, "name"):
        try:
            found = list(
                _limited(
                    ctx.hubspot.search(
                        HUBSPOT_TYPE,
                        filter_groups=[
                            {"filters": [{"propertyName": prop, "operator": "EQ", "value": text}]}
                        ],
                        properties=properties,
                        limit=3,
                    )
                )
            )
        except BadRequest:  # a property since deleted, a value search will not take
            found = []
        # Search compares without case; a person means the one written as they wrote it.
        exact = [p for p in found if ((p.get("properties") or {}).get(prop) or "") == text]
        found = exact or found
        if len(found) == 1:
            return found[0]
        if found:
            raise NotChosen("hubspot_product", Problem("hubspot_product_several", {"text": text}))
    raise NotChosen("hubspot_product", Problem("hubspot_product_unknown", {"text": text}))


def find_tripletex_product(ctx: SyncContext, text: str) -> dict:
    """The one Tripletex product `text` names, active or inactive: its number, else its exact
    name. Tripletex's `name` filter matches a part, so the answers are compared, and only the
    first page of each is read: a lookup is a few calls, never a walk through the catalogue."""
    text = text.strip()
    for params, exact in (({"productNumber": [text]}, "number"), ({"name": text}, "name")):
        found = []
        for inactive in ("false", "true"):
            try:
                listed = _limited(
                    ctx.tripletex.list(
                        "/product",
                        fields=FIELDS,
                        params=dict(params, isInactive=inactive),
                        page_size=LOOKUP_PAGE,
                    ),
                    LOOKUP_PAGE,
                )
                found += [p for p in listed if str(p.get(exact) or "") == text]
            except BadRequest:  # a value Tripletex's filter will not take
                continue
        if len(found) == 1:
            return found[0]
        if found:
            raise NotChosen(
                "tripletex_product", Problem("tripletex_product_several", {"text": text})
            )
    raise NotChosen("tripletex_product", Problem("tripletex_product_unknown", {"text": text}))


def choose(ctx: SyncContext, hubspot_text: str, tripletex_text: str) -> Choice:
    """Find both products and keep the choice; raises NotChosen, or ApiError when a service
    could not be asked (nothing is kept then)."""
    product = find_hubspot_product(ctx, hubspot_text)
    target = find_tripletex_product(ctx, tripletex_text)
    hid = str(product["id"])
    props = product.get("properties") or {}
    choice = Choice(
        hid,
        props.get("name") or hid,
        int(target["id"]),
        str(target.get("number") or ""),
        target.get("name") or "",
    )
    try:
        with write_transaction(ctx.mappings.db):  # checked and kept together: no race between
            _check_free(ctx, hid, choice, tripletex_text)
            row = ctx.mappings.get(ctx.portal_id, HUBSPOT_TYPE, KIND, [hid]).get(hid)
            ctx.product_choices.choose(ctx.portal_id, choice)
            if row and row["state"] == LINKED and row["tripletex_id"] != choice.tripletex_id:
                # Its fields are compared afresh (no hash) by the sync this asks for.
                link = Link(hid, choice.tripletex_id, choice.tripletex_number or None)
                ctx.mappings.link(ctx.portal_id, HUBSPOT_TYPE, KIND, [link])
            _look_again(ctx, hid)
    except sqlite3.IntegrityError:  # another request chose the product a moment before
        raise NotChosen(
            "tripletex_product",
            Problem("tripletex_product_chosen", {"number": tripletex_text, "other": "-"}),
        ) from None
    return choice


def _check_free(ctx: SyncContext, hid: str, choice: Choice, text: str) -> None:
    """The Tripletex product is no other HubSpot product's, by choice or by link."""
    other = ctx.product_choices.chosen_for(ctx.portal_id, choice.tripletex_id)
    if other is not None and other.hubspot_id != hid:
        raise NotChosen(
            "tripletex_product",
            Problem("tripletex_product_chosen", {"number": text, "other": other.hubspot_name}),
        )
    holder = ctx.mappings.linked_tripletex_ids(ctx.portal_id, KIND).get(choice.tripletex_id)
    if holder is not None and holder != hid:
        raise NotChosen(
            "tripletex_product",
            Problem("tripletex_product_linked", {"number": text, "other": holder}),
        )


def unchoose(ctx: SyncContext, hubspot_id: str) -> bool:
    """Forget a choice; the product is unlinked, and the sync's rules match it again."""
    hid = str(hubspot_id)
    if hid not in ctx.product_choices.get(ctx.portal_id, [hid]):
        return False
    with write_transaction(ctx.mappings.db):
        ctx.product_choices.forget(ctx.portal_id, [hid])
        ctx.mappings.unlink(ctx.portal_id, HUBSPOT_TYPE, KIND, [hid])
        _look_again(ctx, hid)
    return True


def _look_again(ctx: SyncContext, hid: str) -> None:
    ctx.inbox.store(
        [
            {
                "portal_id": ctx.portal_id,
                "subscription_type": EVENT,
                "object_type": HUBSPOT_TYPE,
                "object_id": hid,
                "occurred_at": int(ctx.clock.now().timestamp() * 1000),
                "event": {},
            }
        ]
    )


def _limited(results, most: int = 3):
    """The first few of a search (enough to tell one from several), without paging on."""
    for n, result in enumerate(results):
        if n >= most:
            return
        yield result
