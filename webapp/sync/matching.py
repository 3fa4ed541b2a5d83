"""Which existing Tripletex customer a HubSpot company is, if any: pure, no HTTP.

Rules are tried in the portal's order; the first that finds anything decides. One candidate
links; several are ambiguous (a person picks, or skips). Inactive customers are candidates like
the others: Tripletex hides them unless asked, and missing them would make duplicates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .mapping.customer import Customer

LINK = "link"
CREATE = "create"
AMBIGUOUS = "ambiguous"
# Mail providers whose domain says nothing about which company a mailbox belongs to.
SHARED_MAIL_DOMAINS = frozenset(
    {"gmail.com", "hotmail.com", "outlook.com", "live.no", "online.no", "yahoo.com", "icloud.com"}
)


@dataclass(frozen=True)
class Match:
    outcome: str  # link | create | ambiguous
    rule: str | None = None  # the rule that found the candidates
    candidates: tuple[int, ...] = ()  # Tripletex customer ids

    @property
    def customer_id(self) -> int | None:
        return self.candidates[0] if self.outcome == LINK else None


def digits(value: str | None) -> str:
    return re.sub(r"\D", "", value or "")


def domain_of(value: str | None) -> str:
    """The domain of an e-mail address or a website, lower-case, without `www.`."""
    text = (value or "").strip().lower()
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0]
    return text.removeprefix("www.")


MATCHED_ON = (
    "id",
    "name",
    "organizationNumber",
    "email",
    "invoiceEmail",
    "customerNumber",
    "isInactive",
)


def compact(customer: dict) -> dict:
    """A customer as the index needs to keep it (a backfill adds every customer it creates)."""
    return {key: customer.get(key) for key in MATCHED_ON}


class CustomerIndex:
    """Tripletex customers by what the rules compare, built from one read of them all."""

    FIELDS = (
        "id,version,name,organizationNumber,email,invoiceEmail,customerNumber,isInactive,"
        "phoneNumber,website,currency(id),"
        "postalAddress(id,addressLine1,addressLine2,postalCode,city,country(id))"
    )

    def __init__(self, customers: Iterable[dict] = ()):
        self.by_id: dict[int, dict] = {}
        self._by: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        for customer in customers:
            self.add(customer)

    def add(self, customer: dict) -> None:
        self.by_id[customer["id"]] = customer
        if number := digits(customer.get("organizationNumber")):
            self._by["org_number"][number].add(customer["id"])
        for key in ("email", "invoiceEmail"):
            if email := (customer.get(key) or "").strip().lower():
                self._by["email"][email].add(customer["id"])
                if (domain := domain_of(email)) not in SHARED_MAIL_DOMAINS:
                    self._by["domain"][domain].add(customer["id"])
        if name := (customer.get("name") or "").strip():
            self._by["name"][name].add(customer["id"])

    def find(self, rule: str, value: str) -> set[int]:
        return set(self._by[rule].get(value, ()))


def match_company(
    customer: Customer, domain: str, index: CustomerIndex, rules: Iterable[str], taken: set[int]
) -> Match:
    """Match one mapped company against the index.

    `domain` is the company's own domain (for the e-mail rule when no e-mail property is set);
    `taken` holds customers already linked to another HubSpot company. A rule that finds a
    taken customer makes the match ambiguous rather than creating a second customer: two
    HubSpot companies for one customer is for a person to settle. A customer with another
    organisation number than the company's is another company, whatever else they share.
    """
    payload = customer.payload
    number = digits(payload.get("organizationNumber"))
    for rule in rules:
        found: set[int] = set()
        if rule == "org_number" and number:
            found = index.find("org_number", number)
        elif rule == "email":
            if payload.get("email"):
                found = index.find("email", payload["email"].lower())
            elif domain and domain not in SHARED_MAIL_DOMAINS:
                found = index.find("domain", domain)
        elif rule == "name" and customer.name:
            found = index.find("name", customer.name)
        if number:
            found = {
                c for c in found if digits(index.by_id[c].get("organizationNumber")) in ("", number)
            }
        if not found:
            continue
        if len(found) == 1 and not found & taken:
            return Match(LINK, rule, tuple(found))
        return Match(AMBIGUOUS, rule, tuple(sorted(found)))
    return Match(CREATE)
