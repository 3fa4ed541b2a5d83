"""A deal's contact as a private-individual Tripletex customer, for deals without a company.

Linked as (contacts, id) -> customer, beside the contact's own link (contacts -> contact, which
needs a company): the same person may be both. Created exactly once by the same protocol as
the companies' customers (reserve, create, link; a lost answer is looked up by e-mail or name
among private customers no one is linked to). The link is kept, not compared: the accountant
owns the customer once it exists, and nothing is written back onto the contact.
"""

from __future__ import annotations

from ..clients.errors import ApiError
from ..storage.mappings import LINKED, RESERVED
from .context import SyncContext
from .mapping.customer import Customer, to_private_customer
from .matching import CustomerIndex
from .outcome import Summary, stop_for
from .page import Page

HUBSPOT_TYPE = "contacts"
KIND = "customer"
PROPERTIES = ("firstname", "lastname", "email", "phone", "mobilephone")


def sync_private_customers(ctx: SyncContext, contacts: list[dict]) -> Summary:
    """Make sure each contact (with `PROPERTIES`) has its private customer."""
    return _Page(ctx, contacts).execute()


class _Page(Page):
    hubspot_type = HUBSPOT_TYPE
    kind = KIND
    path = "/customer"
    id_property = ""  # nothing is written back onto the contact

    def __init__(self, ctx: SyncContext, contacts: list[dict]):
        super().__init__(ctx, contacts, dict)
        self.drafts: dict[str, Customer] = {
            hid: to_private_customer(c) for hid, c in self.records.items()
        }
        self.to_update: dict[str, dict] = {}
        self.to_create: list[str] = []

    def settle_reserved(self) -> None:
        for hid, row in self.rows.items():
            if row["state"] == RESERVED and hid in self.drafts:
                found = self.find_created(row["identifiers"] or {})
                if found is not None:
                    self.link(hid, found, "found_after_interruption")

    def classify(self) -> None:
        for hid, draft in self.drafts.items():
            if (self.rows.get(hid) or {}).get("state") == LINKED:
                self.summary.counts["unchanged"] += 1
            elif draft.held:
                self.fail(hid, draft.problems[0])
            else:
                self.to_create.append(hid)

    def update(self) -> None:
        self.to_update.clear()  # linked, never compared: see the module's docstring

    def create(self) -> None:
        self.create_all(
            self.to_create,
            lambda hid: self.drafts[hid].create_payload(),
            lambda hid: self.drafts[hid].identifiers,
            lambda hid: self.find_created(self.drafts[hid].identifiers),
        )

    def write_back(self, synced) -> None:
        """Contacts carry no customer properties; the deal shows what became of it."""

    def link(self, hid: str, record: dict, action: str, *, request_id: str | None = None):
        super().link(hid, record, action, request_id=request_id)
        self.to_update.pop(hid, None)  # linked as it is: nothing to compare

    def number_of(self, customer: dict) -> str | None:
        return str(customer.get("customerNumber") or "") or None

    def find_created(self, identifiers: dict) -> dict | None:
        if identifiers.get("email"):
            params = {"email": identifiers["email"]}
        elif identifiers.get("name"):
            params = {"customerName": identifiers["name"]}
        else:
            return None
        try:
            listed = list(
                self.ctx.tripletex.list(
                    "/customer", fields=f"{CustomerIndex.FIELDS},isPrivateIndividual", params=params
                )
            )
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        taken = self.ctx.mappings.linked_among(self.ctx.portal_id, KIND, [c["id"] for c in listed])
        found = [
            c
            for c in listed
            if c["id"] not in taken
            and c.get("isPrivateIndividual")
            and (c.get("name") or "") == identifiers.get("name", "")
            and (c.get("email") or "").lower() == identifiers.get("email", "").lower()
        ]
        return max(found, key=lambda c: c["id"]) if found else None
