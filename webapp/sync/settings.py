"""What a portal has chosen about its sync, with defaults right for a Norwegian company."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

KEY = "sync_settings"  # the row in the settings table

MATCH_RULES = ("org_number", "email", "name")
INVALID_ORG_NUMBER = ("create_without", "hold")
UNMATCHED_PRODUCTS = ("create", "leave")
ON_DELETION = ("unlink", "deactivate")


@dataclass(frozen=True)
class SyncSettings:
    # Which company property holds the organisation number (the demo's custom `orgnr`).
    org_number_property: str = "orgnr"
    # Which company property holds an e-mail address, if any: HubSpot companies have none by
    # default. Without one, the e-mail rule compares Tripletex's e-mail domains with the
    # company's domain.
    email_property: str = ""
    # Tried in order; the first rule that finds exactly one customer links it.
    match_rules: tuple[str, ...] = MATCH_RULES
    # Which company property holds the currency the customer is invoiced in (an ISO code such
    # as EUR), if any: HubSpot companies have none by default. Without one, or when it is
    # empty, Tripletex's default applies (the company's own currency, NOK).
    currency_property: str = ""
    # A malformed organisation number: create the customer without it, or hold the company.
    invalid_org_number: str = "create_without"
    # Which product property holds Tripletex's product number (HubSpot's SKU by default).
    product_number_property: str = "hs_sku"
    # A HubSpot product no Tripletex product number matches: create it, or leave it for the
    # deal sync's not-found policy.
    unmatched_products: str = "create"
    # The VAT code (Tripletex's `number`, not its id) a created product gets: 3 is 25 %.
    vat_code: str = "3"
    # A record deleted in HubSpot: unlink it, or also deactivate it in Tripletex. Accounting
    # data is never deleted.
    on_deletion: str = "unlink"
    paused: bool = False
    confirmed: bool = False  # the first sync's preview was confirmed; live sync may run
    extra: dict = field(default_factory=dict)  # settings of later parts, kept as they are

    @classmethod
    def from_stored(cls, stored: dict | None) -> SyncSettings:
        """Settings from their stored JSON; unknown or malformed values fall back to defaults."""
        stored = dict(stored or {})
        defaults = cls()
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values = {}
        for name in known:
            if name not in stored:
                continue
            value, default = stored.pop(name), getattr(defaults, name)
            if isinstance(default, tuple) and isinstance(value, list):
                value = tuple(value)
            if type(value) is type(default):
                values[name] = value
        rules = values.get("match_rules")
        if rules is not None and not (rules and all(rule in MATCH_RULES for rule in rules)):
            del values["match_rules"]
        if values.get("invalid_org_number", defaults.invalid_org_number) not in INVALID_ORG_NUMBER:
            del values["invalid_org_number"]
        if values.get("unmatched_products", "create") not in UNMATCHED_PRODUCTS:
            del values["unmatched_products"]
        for name in ("org_number_property", "product_number_property"):
            if values.get(name) == "":  # a property must be named
                del values[name]
        if values.get("on_deletion", "unlink") not in ON_DELETION:
            del values["on_deletion"]
        return cls(**values, extra=stored)

    def stored(self) -> dict:
        value = dataclasses.asdict(self)
        extra = value.pop("extra")
        value["match_rules"] = list(value["match_rules"])
        return dict(extra, **value)
