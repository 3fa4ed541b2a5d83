"""HubSpot companies into Tripletex customers, a page at a time.

For each page: creates left in flight by an earlier run are settled first (found in Tripletex
by what they were sent with, or created again); linked companies whose mapped fields changed
are updated (with `version`; a conflict is read again and retried once); the others are
matched against the existing customers, active and inactive, and linked, or created exactly
once (reserve, create, link, each committed on its own). Finally the customer id and number
are written back onto the companies, with the sync status. A record's problem is logged and
shown on the company; it never stops the rest of the page.
"""

from __future__ import annotations

from ..clients.errors import ApiError
from ..portal.problems import Problem
from ..storage.mappings import LINKED, RESERVED
from . import lookups
from .context import SyncContext
from .mapping import customer as mapping
from .mapping.customer import Customer, changes
from .matching import (
    AMBIGUOUS,
    CREATE,
    LINK,
    CustomerIndex,
    compact,
    digits,
    domain_of,
    match_company,
)
from .outcome import Summary, stop_for
from .page import Page

HUBSPOT_TYPE = "companies"
KIND = "customer"
RESULT_SET_TOO_LARGE = 23000  # Tripletex's code for a query matching over 10,000 rows
WRITE_BACK = (
    "tripletex_customer_id",
    "tripletex_customer_number",
    "tripletex_sync_status",
    "tripletex_sync_error",
)


class CustomerSync:
    """One run of the customer sync for a portal, and the Tripletex customers it matches with.

    Matching needs candidates. The whole list of customers, read once a run, holds them all;
    but it costs a call per thousand customers, and Tripletex refuses any query that matches
    more than 10,000 (422, code 23000). So a run reads the whole list when it must (a
    backfill; a company the e-mail rule compares by domain, which Tripletex cannot search) and
    when Tripletex allows it; otherwise it asks for each company's candidates by organisation
    number, e-mail and name, active and inactive. With more than 10,000 customers the domain
    comparison is therefore not made, and the log says so once.
    """

    def __init__(self, ctx: SyncContext, *, whole: bool = True):
        self.ctx = ctx
        self.whole = whole
        self._index = CustomerIndex()
        self._complete = False  # the index holds every customer
        self._asked: set[tuple[str, str]] = set()
        self._label: str | None = None
        self.too_many = False  # Tripletex refused the whole list (over 10,000 customers)
        self._taken: set[int] | None = None
        self._countries: dict[str, int] | None = None
        self._currencies: dict[str, int] | None = None

    def taken(self) -> set[int]:
        """Customers linked to some company: read once a run, kept up to date as it links
        (one run per portal at a time, so nothing else links meanwhile)."""
        if self._taken is None:
            self._taken = set(self.ctx.mappings.linked_tripletex_ids(self.ctx.portal_id, KIND))
        return self._taken

    @property
    def index(self) -> CustomerIndex:
        return self._index

    def prepare(self, drafts: list[Customer], domains: dict[str, str]) -> None:
        """Make sure the index holds every candidate of these companies (`domains`: each
        company's own domain, by HubSpot id)."""
        if not drafts or self._complete:
            return
        by_domain = "email" in self.ctx.settings.match_rules and any(
            not d.payload.get("email") and domains.get(d.hubspot_id) for d in drafts
        )
        if (self.whole or by_domain) and not self.too_many:
            try:
                for found in read_customers(self.ctx):
                    self._index.add(found)
                self._complete = True
                return
            except ApiError as error:
                if error.code != RESULT_SET_TOO_LARGE:
                    raise stop_for(error, idempotent=True) from error
                self.too_many = True
        for draft in drafts:
            asks = [
                ("organizationNumber", draft.payload.get("organizationNumber")),
                ("email", draft.payload.get("email")),
                ("customerName", draft.name),
            ]
            for param, value in asks:
                if not value or (param, value) in self._asked:
                    continue
                self._asked.add((param, value))
                try:
                    for inactive in ("false", "true"):
                        for found in self.ctx.tripletex.list(
                            "/customer",
                            fields=CustomerIndex.FIELDS,
                            params={param: value, "isInactive": inactive},
                        ):
                            self._index.add(found)
                except ApiError as error:
                    raise stop_for(error, idempotent=True) from error

    def countries(self) -> dict[str, int]:
        """The company's countries, Tripletex id by ISO code, read once a run."""
        if self._countries is None:
            self._countries = lookups.countries(self.ctx)
        return self._countries

    def currencies(self) -> dict[str, int] | None:
        """The company's currencies, Tripletex id by ISO code, read once a run; None when no
        company property names a customer's currency (nothing to look up)."""
        if not self.ctx.settings.currency_property:
            return None
        if self._currencies is None:
            self._currencies = lookups.currencies(self.ctx)
        return self._currencies

    def org_number_label(self) -> str:
        """The label a person sees on the organisation-number property, for messages."""
        if self._label is None:
            name = self.ctx.settings.org_number_property
            try:
                found = self.ctx.hubspot.list_properties(HUBSPOT_TYPE)
            except ApiError:
                found = []
            self._label = next((p.get("label") for p in found if p.get("name") == name), name)
        return self._label or self.ctx.settings.org_number_property

    def properties(self) -> list[str]:
        """The company properties a page must carry."""
        return [*mapping.properties(self.ctx.settings), *WRITE_BACK]

    def sync(self, companies: list[dict]) -> Summary:
        """Sync one page of companies (as HubSpot returns them, with `properties()`)."""
        return _Page(self, companies).execute()


def read_customers(ctx: SyncContext):
    """Every Tripletex customer, active and inactive (Tripletex hides the inactive unless
    asked, and `isInactive` left out means active only)."""
    for inactive in ("false", "true"):
        yield from ctx.tripletex.list(
            "/customer", fields=CustomerIndex.FIELDS, params={"isInactive": inactive}
        )


class _Page(Page):
    hubspot_type = HUBSPOT_TYPE
    kind = KIND
    path = "/customer"
    id_property = "tripletex_customer_id"

    def __init__(self, run: CustomerSync, companies: list[dict]):
        super().__init__(run.ctx, companies, lambda: {"label": run.org_number_label()})
        self.run = run
        self.companies = self.records
        self.drafts: dict[str, Customer] = {
            hid: mapping.to_customer(c, self.ctx.settings, run.countries(), run.currencies())
            for hid, c in self.companies.items()
        }
        self.to_update: dict[str, dict] = {}  # HubSpot id -> the current customer
        self.to_create: list[str] = []
        # What the person chose on the first sync's preview where the rules could not.
        self.decisions = self.ctx.previews.decisions(self.ctx.portal_id, HUBSPOT_TYPE, self.records)

    # Steps

    def settle_reserved(self) -> None:
        """Creates whose outcome an earlier run never learnt: find them, or create again."""
        for hid, row in self.rows.items():
            if row["state"] != RESERVED or hid not in self.drafts:
                continue
            found = self.find_created(row["identifiers"] or {})
            if found is not None:
                self.link(hid, found, "found_after_interruption")

    def classify(self) -> None:
        taken = self.run.taken()
        domains = {
            hid: domain_of(
                (c.get("properties") or {}).get("domain")
                or (c.get("properties") or {}).get("website")
            )
            for hid, c in self.companies.items()
        }
        self.run.prepare(
            [
                draft
                for hid, draft in self.drafts.items()
                if not draft.held
                and hid not in self.linked
                and hid not in self.to_update
                and (self.rows.get(hid) or {}).get("state") != LINKED
            ],
            domains,
        )
        # Companies of this page to be created, by what the rules compare: a second company
        # with the same organisation number (or e-mail, or name) as one about to be created
        # is the same question as a second company for one customer, for a person to settle.
        creating: dict[tuple[str, str], str] = {}
        for hid, draft in self.drafts.items():
            row = self.rows.get(hid)
            if draft.held:
                self.fail(hid, draft.problems[0])
                continue
            if hid in self.linked or hid in self.to_update:
                continue
            if row and row["state"] == LINKED and row["synced_hash"] == draft.hash:
                if not self.written_back(hid, row):
                    self.to_update[hid] = {}  # read it below, for the number to write back
                else:
                    self.summary.counts["unchanged"] += 1
                continue
            for problem in draft.problems:  # sent anyway, without what is wrong
                self.note(hid, problem)
            if row and row["state"] == LINKED:
                self.to_update[hid] = {}  # read below, with the others
                continue
            decision = self.decisions.get(hid) or {}
            if decision.get("skip"):
                self.summary.counts["skipped"] += 1
                continue
            chosen = decision.get("link")
            if chosen and chosen not in taken and self._chosen(chosen) is not None:
                taken.add(chosen)
                self.link(hid, self._chosen(chosen), "linked_as_chosen")
                continue
            found = match_company(
                draft, domains.get(hid, ""), self.run.index, self.ctx.settings.match_rules, taken
            )
            if found.outcome == LINK:
                taken.add(found.customer_id)
                self.link(hid, self.run.index.by_id[found.customer_id], f"matched_by_{found.rule}")
            elif found.outcome == AMBIGUOUS:
                numbers = [
                    self.run.index.by_id[c].get("customerNumber") or c for c in found.candidates
                ]
                self.fail(
                    hid,
                    Problem(
                        "match_ambiguous",
                        {"company": draft.name, "rule": found.rule, "candidates": numbers},
                    ),
                    action="match",
                )
            elif found.outcome == CREATE:
                keys = _keys(draft, domains.get(hid, ""), self.ctx.settings.match_rules)
                twin = next((creating[k] for k in keys if k in creating), None)
                if twin is not None:
                    self.fail(
                        hid,
                        Problem(
                            "match_ambiguous",
                            {
                                "company": draft.name,
                                "rule": next(k for k in keys if k in creating)[0],
                                "candidates": [self.drafts[twin].name],
                            },
                        ),
                        action="match",
                    )
                    continue
                creating.update((k, hid) for k in keys)
                self.to_create.append(hid)

    def update(self) -> None:
        """Write the changed fields of linked customers, with their version."""
        # A customer linked for the first time keeps the name the accountant gave it.
        self.update_all(
            lambda hid, current: changes(
                self.drafts[hid],
                current,
                first_link=(self.rows.get(hid) or {}).get("synced_hash") is None,
            )
        )

    def create(self) -> None:
        """Create the unmatched, exactly once."""
        self.create_all(
            self.to_create,
            lambda hid: self.drafts[hid].create_payload(),
            lambda hid: self.drafts[hid].identifiers,
            lambda hid: self.find_created(self.drafts[hid].identifiers),
        )

    def synced_properties(self, hid: str, customer: dict) -> dict:
        return {
            "tripletex_customer_id": str(customer["id"]),
            "tripletex_customer_number": str(customer.get("customerNumber") or ""),
        }

    # Helpers

    def linked_also(self, customer: dict) -> None:
        self.run.taken().add(customer["id"])
        self.run.index.add(compact(customer))  # what matching needs, not the whole record

    def find_created(self, identifiers: dict) -> dict | None:
        """The customer a create may have made, found by what it was sent with."""
        if identifiers.get("organizationNumber"):
            params = {"organizationNumber": identifiers["organizationNumber"]}
        elif identifiers.get("email"):
            params = {"email": identifiers["email"]}
        elif identifiers.get("name"):
            params = {"customerName": identifiers["name"]}
        else:
            return None
        try:
            listed = list(
                self.ctx.tripletex.list("/customer", fields=CustomerIndex.FIELDS, params=params)
            )
            taken = self.ctx.mappings.linked_among(
                self.ctx.portal_id, KIND, [c["id"] for c in listed]
            )
            found = [
                c
                for c in listed
                if c["id"] not in taken
                and (c.get("name") or "") == identifiers.get("name", "")
                and digits(c.get("organizationNumber"))
                == digits(identifiers.get("organizationNumber"))
                and (c.get("email") or "").lower() == identifiers.get("email", "").lower()
            ]
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error
        return max(found, key=lambda c: c["id"]) if found else None

    def number_of(self, customer: dict) -> str | None:
        return str(customer.get("customerNumber") or "") or None

    def read(self, ids) -> dict[int, dict]:
        """Linked customers by id, inactive ones too (`isInactive` defaults to false even
        when asking by id, so a linked inactive customer would look deleted)."""
        ids = list(ids)
        try:
            return {
                c["id"]: c
                for inactive in ("false", "true")
                for c in self.ctx.tripletex.get_many(
                    "/customer",
                    ids,
                    fields=CustomerIndex.FIELDS,
                    params={"isInactive": inactive},
                )
            }
        except ApiError as error:
            raise stop_for(error, idempotent=True) from error

    def _chosen(self, customer_id: int) -> dict | None:
        """The customer the person chose, if it still exists (active or not)."""
        if customer_id not in self.run.index.by_id:
            for found in self.read([customer_id]).values():
                self.run.index.add(found)
        return self.run.index.by_id.get(customer_id)


def _keys(draft: Customer, domain: str, rules) -> list[tuple[str, str]]:
    """What the rules compare a company by, as keys (the same values `match_company` uses)."""
    keys = []
    number = digits(draft.payload.get("organizationNumber"))
    if "org_number" in rules and number:
        keys.append(("org_number", number))
    if "email" in rules and draft.payload.get("email"):
        keys.append(("email", draft.payload["email"].lower()))
    # Two companies with one name and different organisation numbers are two companies (as
    # `match_company` judges candidates); the name alone identifies only one without a number.
    if "name" in rules and draft.name and not number:
        keys.append(("name", draft.name))
    return keys
