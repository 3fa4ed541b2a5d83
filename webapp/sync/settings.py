"""What a portal has chosen about its sync, with defaults right for a Norwegian company."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from .stages import ACTIONS

KEY = "sync_settings"  # the row in the settings table

MATCH_RULES = ("org_number", "email", "name")
INVALID_ORG_NUMBER = ("create_without", "hold")
UNMATCHED_PRODUCTS = ("create", "leave")
ON_DELETION = ("unlink", "deactivate")
# The deal sync's choices (sync/stages.py has the stage rules' actions).
INVOICE_DATES = ("close_date", "today")
DUE = ("customer", "days")
SEND_TYPES = ("EMAIL", "EHF", "EFAKTURA", "AVTALEGIRO", "VIPPS", "PAPER", "MANUAL")
DEAL_WITHOUT_COMPANY = ("private_customer", "hold")
UNMATCHED_LINE_PRODUCTS = ("hold", "default_product", "create")
DEAL_WITHOUT_LINES = ("hold", "default_product")
# Won deals from before the app, at the first sync (sync/deal_history.py).
WON_DEAL_HISTORY = ("link_only", "invoice", "invoice_since")
# Which values each enumerated setting may take.
CHOICES = {
    "invalid_org_number": INVALID_ORG_NUMBER,
    "unmatched_products": UNMATCHED_PRODUCTS,
    "on_deletion": ON_DELETION,
    "invoice_date": INVOICE_DATES,
    "due": DUE,
    "send_type": SEND_TYPES,
    "deal_without_company": DEAL_WITHOUT_COMPANY,
    "unmatched_line_products": UNMATCHED_LINE_PRODUCTS,
    "deal_without_lines": DEAL_WITHOUT_LINES,
    "won_deal_history": WON_DEAL_HISTORY,
}


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
    # Deals. Per pipeline id, {"stage": stage id, "action": invoice | order | nothing}; a
    # pipeline without one invoices at its won stage (sync/stages.py).
    stage_rules: dict = field(default_factory=dict)
    # Tripletex sends an invoice unless told not to, and a sent invoice cannot be unsent.
    send_to_customer: bool = False
    send_type: str = "EMAIL"  # how, when it does send
    invoice_date: str = "close_date"  # the deal's close date (Oslo), or the day the rule fires
    due: str = "customer"  # the customer's own terms, or `due_days` after the invoice date
    due_days: int = 14
    # A deal with no company: its primary contact becomes a private customer, or it is held.
    deal_without_company: str = "private_customer"
    # A line item whose product Tripletex does not have: hold the deal, put the line on the
    # default product, or create the product.
    unmatched_line_products: str = "hold"
    # A deal without line items: hold it, or invoice its amount on the default product.
    deal_without_lines: str = "hold"
    default_product: str = ""  # a Tripletex product number, for the two choices above
    # HubSpot's prices include VAT: the order is priced including VAT
    # (`isPrioritizeAmountsIncludingVat`), and Tripletex takes the VAT out of them.
    prices_include_vat: bool = False
    # The deal property the order's delivery date comes from (a date, in Oslo's calendar).
    delivery_date_property: str = "closedate"
    # Won deals the first sync finds not in Tripletex: left out (never invoiced by surprise),
    # all invoiced, or invoiced when closed on or after `history_since` (an ISO date).
    won_deal_history: str = "link_only"
    history_since: str = ""
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
        for name, allowed in CHOICES.items():
            if name in values and values[name] not in allowed:
                del values[name]
        for name in ("org_number_property", "product_number_property", "delivery_date_property"):
            if values.get(name) == "":  # a property must be named
                del values[name]
        if not 0 <= values.get("due_days", 0) <= 365:
            del values["due_days"]
        if values.get("history_since") and not _iso_date(values["history_since"]):
            del values["history_since"]
        if "stage_rules" in values:
            values["stage_rules"] = {
                str(pipeline): rule
                for pipeline, rule in values["stage_rules"].items()
                if isinstance(rule, dict)
                and rule.get("action") in ACTIONS
                and isinstance(rule.get("stage", ""), str)
            }
        return cls(**values, extra=stored)

    def stored(self) -> dict:
        value = dataclasses.asdict(self)
        extra = value.pop("extra")
        value["match_rules"] = list(value["match_rules"])
        return dict(extra, **value)


def _iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
