"""HubSpot contacts into Tripletex contacts on their company's customer, a page at a time.

A contact follows its primary company: one whose company is not linked yet waits (it is
synced once the company is); one without a company stays out of Tripletex. An existing
Tripletex contact of the same customer with the same e-mail (or, without one, the same name)
is linked rather than duplicated. Creates go through reserve, create, link, like customers.
Tripletex has no batch update for contacts, so changes are sent one by one.
"""

from __future__ import annotations

from ..clients.errors import Action, ApiError, classify
from ..portal.problems import Problem
from ..storage.mappings import LINKED, RESERVED
from .context import SyncContext
from .customers import HUBSPOT_TYPE as COMPANIES
from .customers import KIND as CUSTOMER
from .mapping import contact as mapping
from .mapping.contact import Contact, changes, primary_company
from .outcome import Summary, stop_for
from .page import Page

HUBSPOT_TYPE = "contacts"
KIND = "contact"
FIELDS = "id,version,firstName,lastName,email,phoneNumberMobile,phoneNumberWork,customer(id)"
WRITE_BACK = ("tripletex_contact_id", "tripletex_sync_status", "tripletex_sync_error")


def properties() -> list[str]:
    return [*mapping.PROPERTIES, *WRITE_BACK]


def sync_contacts(ctx: SyncContext, contacts: list[dict]) -> Summary:
    """Sync one page of contacts, read with `properties()` and their company associations."""
    return _Page(ctx, contacts).execute()


class _Page(Page):
    hubspot_type = HUBSPOT_TYPE
    kind = KIND
    path = "/contact"
    id_property = "tripletex_contact_id"

    def __init__(self, ctx: SyncContext, contacts: list[dict]):
        super().__init__(ctx, contacts, dict)
        companies = {hid: primary_company(c) for hid, c in self.records.items()}
        customers = ctx.mappings.get(
            ctx.portal_id, COMPANIES, CUSTOMER, {c for c in companies.values() if c}
        )
        self.drafts: dict[str, Contact] = {}
        for hid, company in companies.items():
            if company is None:
                self.summary.counts["without_company"] += 1
                continue
            row = customers.get(company)
            if row is None or row["state"] != LINKED:
                # Said on the contact, and followed up: when its company is linked, live sync
                # reads the company's contacts and sends these along.
                self.fail(
                    hid,
                    Problem(
                        "contact_waiting_for_company",
                        {"contact": _name(self.records[hid]), "company": company},
                    ),
                    action="wait",
                )
                continue
            self.drafts[hid] = mapping.to_contact(self.records[hid], row["tripletex_id"])
        self.to_update: dict[str, dict] = {}
        self.to_create: list[str] = []

    def synced_properties(self, hid: str, contact: dict) -> dict:
        return {"tripletex_contact_id": str(contact["id"])}

    def settle_reserved(self) -> None:
        for hid, row in self.rows.items():
            if row["state"] == RESERVED and hid in self.drafts:
                found = self.find_created(row["identifiers"] or {})
                if found is not None:
                    self.link(hid, found, "found_after_interruption")

    def classify(self) -> None:
        unlinked = [
            hid
            for hid, draft in self.drafts.items()
            if hid not in self.to_update and (self.rows.get(hid) or {}).get("state") != LINKED
        ]
        existing = self._existing({self.drafts[h].customer_id for h in unlinked})
        taken = self.ctx.mappings.linked_among(
            self.ctx.portal_id, KIND, [c["id"] for found in existing.values() for c in found]
        )
        for hid, draft in self.drafts.items():
            row = self.rows.get(hid) or {}
            if hid in self.to_update:
                continue
            if row.get("state") == LINKED:
                if row["synced_hash"] == draft.hash and self.written_back(hid, row):
                    self.summary.counts["unchanged"] += 1
                else:
                    self.to_update[hid] = {}
                continue
            found = _match(draft, existing.get(draft.customer_id, []), taken)
            if found is not None:
                taken.add(found["id"])
                self.link(hid, found, "matched")
            else:
                self.to_create.append(hid)

    def update(self) -> None:
        """Tripletex has no batch update for contacts: each is sent on its own."""
        self.read_linked()
        for hid, current in list(self.to_update.items()):
            self._update_one(hid, current)
        self.save_settled()

    def _update_one(self, hid: str, current: dict) -> None:
        draft = self.drafts[hid]
        for attempt in (1, 2):
            change = changes(draft, current)
            if not change:
                self.settle(hid, current)
                self.summary.counts["unchanged"] += 1
                return
            try:
                written = self.ctx.tripletex.update(
                    f"/contact/{current['id']}", dict(change, version=current["version"])
                )
            except ApiError as error:
                action = classify(error, idempotent=True).action
                if action is Action.FATAL:
                    self.fail(hid, self.refusal(hid, error), action="update", error=error)
                    return
                if action is not Action.REREAD or attempt == 2:
                    self.save_settled()
                    raise stop_for(error, idempotent=True) from error
                current = self.read([current["id"]]).get(current["id"], current)
                continue
            self.settle(hid, written)
            self.summary.counts["updated"] += 1
            self.entry(hid, "update", written.get("id"), request_id=written.request_id)
            return

    def create(self) -> None:
        self.create_all(
            self.to_create,
            lambda hid: self.drafts[hid].payload,
            lambda hid: self.drafts[hid].identifiers,
            lambda hid: self.find_created(self.drafts[hid].identifiers),
        )

    # Helpers

    def find_created(self, identifiers: dict) -> dict | None:
        """The contact a create may have made: on the same customer, with what it was sent."""
        customer = identifiers.get("customer")
        if not customer:
            return None
        candidates = self._existing({customer}).get(customer, [])
        taken = self.ctx.mappings.linked_among(
            self.ctx.portal_id, KIND, [c["id"] for c in candidates]
        )
        wanted = {k: identifiers.get(k, "") for k in ("firstName", "lastName", "email")}
        found = [
            c
            for c in candidates
            if c["id"] not in taken
            and all((c.get(k) or "").lower() == v.lower() for k, v in wanted.items())
        ]
        return max(found, key=lambda c: c["id"]) if found else None

    def _existing(self, customer_ids) -> dict[int, list[dict]]:
        """The Tripletex contacts of these customers, by customer id."""
        ids = sorted(customer_ids)
        by_customer: dict[int, list[dict]] = {}
        try:
            for start in range(0, len(ids), 100):
                chunk = ",".join(str(i) for i in ids[start : start + 100])
                for found in self.ctx.tripletex.list(
                    "/contact", fields=FIELDS, params={"customerId": chunk}
                ):
                    owner = (found.get("customer") or {}).get("id")
                    by_customer.setdefault(owner, []).append(found)
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        return by_customer

    def read(self, ids) -> dict[int, dict]:
        try:
            return {c["id"]: c for c in self.ctx.tripletex.get_many("/contact", ids, fields=FIELDS)}
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error


def _match(draft: Contact, candidates: list[dict], taken: set[int]) -> dict | None:
    """An existing contact of the customer that is this person: same e-mail, or without an
    e-mail, the same first and last name. Only one: two alike are left alone."""
    free = [c for c in candidates if c["id"] not in taken]
    email = draft.payload.get("email", "").lower()
    if email:
        same = [c for c in free if (c.get("email") or "").lower() == email]
    else:
        first, last = draft.payload.get("firstName", ""), draft.payload.get("lastName", "")
        same = [
            c
            for c in free
            if not c.get("email")
            and (c.get("firstName") or "") == first
            and (c.get("lastName") or "") == last
        ]
    return same[0] if len(same) == 1 else None


def _name(contact: dict) -> str:
    props = contact.get("properties") or {}
    name = " ".join(p for p in (props.get("firstname"), props.get("lastname")) if p)
    return name or props.get("email") or str(contact["id"])
