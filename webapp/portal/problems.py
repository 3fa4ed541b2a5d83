"""The problems a user must fix, and what to tell them: one vocabulary for every place that
explains a failure (the setup pages, and later the sync log, alerts and the CLI).

A `Problem` names its kind and carries the details that fill in its message. The messages
are English source strings, marked with N_ for translation; whoever shows them translates
(the web layer through gettext, a log as they are). Never a stack trace, never a token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..clients.errors import (
    ApiError,
    BadRequest,
    BatchInterrupted,
    DeadlineExceeded,
    Forbidden,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)


def N_(text: str) -> str:
    """Mark a string for translation where it is defined; it is translated where it is shown."""
    return text


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a sentence and its plural for translation (babel.cfg knows both markers)."""
    return singular, plural


@dataclass
class Problem:
    """A failure explained: `kind` picks the message, `detail` fills it in."""

    kind: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Text:
    """A sentence of a message; `code` names a detail shown after it verbatim (to copy).

    A sentence that counts something has a `plural` too, and `count` names the detail whose
    number picks the form.
    """

    text: str
    code: str | None = None
    plural: str | None = None
    count: str | None = None


def counting(count: str, forms: tuple[str, str]) -> Text:
    """A sentence with a singular and a plural (marked `NP_(singular, plural)`), chosen by the
    number in the detail `count`."""
    singular, plural = forms
    return Text(singular, plural=plural, count=count)


@dataclass(frozen=True)
class Message:
    """What a problem says: a headline, then a sentence, a list, and a closing paragraph.

    Placeholders ({seconds}) are filled from the problem's details; a sentence whose
    details are missing is left out rather than shown half-filled.
    """

    title: str
    text: Text | None = None
    items: tuple[Text, ...] = ()
    after: Text | None = None


# The Tripletex areas ("Adapted setup" entitlements) the connection check names.
AREAS = {
    "customers": N_("Customers"),
    "contacts": N_("Contacts"),
    "products": N_("Products"),
    "orders": N_("Orders"),
    "invoices": N_("Invoices"),
    "payments": N_("Payments"),
    "currencies": N_("Currencies"),
}

MESSAGES: dict[str, Message] = {
    "employee_token_refused": Message(
        N_("Tripletex did not accept this token."),
        Text(N_("Tripletex does not say why. The usual causes are:")),
        (
            Text(N_("The token was revoked or deleted in Tripletex. Create a new one.")),
            Text(
                N_(
                    "The token was created for another application. In “Adapted setup”, the "
                    "application name must be exactly:"
                ),
                code="app_name",
            ),
            Text(
                N_(
                    "The integration module is not active in the Tripletex company. Activate "
                    "it, then create the token again."
                )
            ),
        ),
    ),
    "missing_entitlements": Message(
        N_("The token is missing access the sync needs."),
        Text(N_("Missing: {which}.")),
        after=Text(
            N_(
                "Create a new token with “All entitlements”, from an employee who has "
                "access to these areas, and paste it here."
            )
        ),
    ),
    "rate_limited": Message(
        N_("Tripletex asked us to slow down."),
        counting(
            "seconds", NP_("Try again in {seconds} second.", "Try again in {seconds} seconds.")
        ),
    ),
    "too_many_attempts": Message(
        N_("Too many attempts in a short time."),
        counting(
            "seconds",
            NP_(
                "For your security, wait {seconds} second and try again.",
                "For your security, wait {seconds} seconds and try again.",
            ),
        ),
    ),
    "too_slow": Message(
        N_("Tripletex is answering too slowly."),
        counting(
            "seconds",
            NP_(
                "We stopped waiting after {seconds} second, and nothing was "
                "saved. Tripletex is probably busy: try again in a few minutes.",
                "We stopped waiting after {seconds} seconds, and nothing was "
                "saved. Tripletex is probably busy: try again in a few "
                "minutes.",
            ),
        ),
    ),
    "unreachable": Message(
        N_("Tripletex did not answer in time."),
        Text(N_("This is usually temporary. Try again in a minute; nothing was saved.")),
    ),
    "consumer_token_refused": Message(
        N_("This app is not set up correctly."),
        Text(
            N_(
                "Tripletex refused the app's own credentials (its consumer token). This is "
                "not a problem with your token: contact whoever runs this app."
            )
        ),
    ),
    "no_bank_account": Message(
        N_("No bank account number is registered."),
        Text(
            N_(
                "Tripletex refuses to create invoices until the company's bank account "
                "(account 1920) has an account number. In Tripletex: Accounting, Chart of "
                "accounts, account 1920, enter the bank account number."
            )
        ),
    ),
    "no_vat_types": Message(
        N_("No outgoing VAT codes are available."),
        Text(
            N_(
                "In Tripletex, check the company's VAT settings: outgoing VAT code 3 (25 %) "
                "must be active, or code 6 for a company not registered for VAT."
            )
        ),
    ),
    "choice_expired": Message(
        N_("The list of companies has expired."), Text(N_("Paste the token again."))
    ),
    # The sync's problems with one record: what is wrong, and where to fix it.
    "company_without_name": Message(
        N_("A company has no name."),
        Text(N_("Tripletex needs a name for every customer. Give company {company} a name.")),
    ),
    "org_number_invalid": Message(
        N_("Company {company} has organisation number {value}; {why}."),
        Text(N_("Fix it in HubSpot's {label} property.")),
        after=Text(N_("Until then {outcome}.")),
    ),
    "country_unknown": Message(
        N_("Company {company} has the country “{value}”, which the sync does not recognise."),
        Text(
            N_(
                "The customer is sent without a country. Write the country's name or its "
                "two-letter code in HubSpot."
            )
        ),
    ),
    "currency_unknown": Message(
        N_("Company {company} has the currency “{value}”, which Tripletex does not know."),
        Text(
            N_(
                "The customer is sent with the company's own currency. Write a three-letter "
                "currency code, such as EUR, in HubSpot's {property} property."
            )
        ),
    ),
    "match_ambiguous": Message(
        N_("Company {company} could be more than one Tripletex customer."),
        Text(N_("Customers with the same {rule}: {candidates}.")),
        after=Text(
            N_("Nothing was created. Choose the right customer on the First sync page, or skip it.")
        ),
    ),
    "product_without_name": Message(
        N_("A product has no name."),
        Text(N_("Tripletex needs a name for every product. Give product {product} a name.")),
    ),
    "product_price_invalid": Message(
        N_("Product {product} has the price {value}, which Tripletex cannot take."),
        Text(N_("Fix the unit price in HubSpot: a number, zero or more.")),
    ),
    "product_unmatched": Message(
        N_("Product {product} is not in Tripletex."),
        Text(N_("No Tripletex product has the number {number}, and new products are not created.")),
        after=Text(N_("Create it in Tripletex with that number, or let the sync create products.")),
    ),
    "product_name_taken": Message(
        N_("Tripletex already has a product named {product}, with another number ({other})."),
        Text(
            N_(
                "A second product was created with number {number}. Merge them in "
                "Tripletex if they are the same."
            )
        ),
    ),
    "product_choice_taken": Message(
        N_(
            "Product {product} is mapped to Tripletex product {number} {name}, which "
            "another HubSpot product is linked to."
        ),
        Text(
            N_("Nothing was changed. In the sync settings, map one of the two to another product.")
        ),
    ),
    "price_currency_unknown": Message(
        N_("Product {product} has its price in {code}, which Tripletex does not know."),
        Text(N_("Nothing was sent: Tripletex would take the price as Norwegian kroner.")),
    ),
    # A deal's line items, as an order needs them.
    "line_quantity_invalid": Message(
        N_("Line item {line} has the quantity {value}, which an order cannot take."),
        Text(N_("Fix the quantity in HubSpot: a number greater than zero.")),
    ),
    "line_price_invalid": Message(
        N_("Line item {line} has the unit price {value}, which an order cannot take."),
        Text(N_("Fix the unit price in HubSpot: a number, zero or more.")),
    ),
    "line_discount_invalid": Message(
        N_("Line item {line} has a discount Tripletex cannot take."),
        Text(N_("Fix the discount in HubSpot: between 0 and 100 %, or at most the unit price.")),
    ),
    # A won deal that cannot become an order or invoice yet: it is held until fixed.
    "deal_without_lines": Message(
        N_("Deal {deal} has no line items."),
        Text(
            N_(
                "Add its products as line items in HubSpot, or let the sync settings invoice "
                "a deal without lines on a default product."
            )
        ),
    ),
    "delivery_date_missing": Message(
        N_("Deal {deal} has no value in {property}, which gives the order its delivery date."),
        Text(N_("Fill it in on the deal; the order is made as soon as it is.")),
    ),
    "deal_currency_unknown": Message(
        N_("Deal {deal} is in {code}, a currency Tripletex does not know."),
        Text(N_("Change the deal's currency, or use a currency Tripletex has.")),
    ),
    "default_product_unset": Message(
        N_("No default product is chosen in the sync settings."),
        Text(N_("Choose one there (a Tripletex product number), or put products on the deal.")),
    ),
    "default_product_missing": Message(
        N_("Tripletex has no product numbered {number}, the default product in the sync settings."),
        Text(N_("Create it in Tripletex, or choose another default product.")),
    ),
    "line_product_missing": Message(
        N_("The product of line item {line} ({product}) is not in Tripletex."),
        Text(
            N_(
                "Create it in Tripletex with that number, let the sync create products, or "
                "put such lines on a default product in the sync settings."
            )
        ),
    ),
    "deal_company_not_synced": Message(
        N_("The company of deal {deal} could not be sent to Tripletex."),
        Text(N_("The company's problem: {reason}")),
    ),
    "deal_contact_not_synced": Message(
        N_("The contact of deal {deal} could not become a Tripletex customer."),
        Text(N_("The contact's problem: {reason}")),
    ),
    "deal_without_company": Message(
        N_("Deal {deal} has no company to invoice."),
        Text(
            N_(
                "Associate a company with the deal, or let the sync settings invoice the "
                "deal's contact as a private customer."
            )
        ),
    ),
    "deal_without_customer": Message(
        N_("Deal {deal} has neither a company nor a contact to invoice."),
        Text(N_("Associate a company or a contact with the deal.")),
    ),
    "contact_without_name": Message(
        N_("Contact {contact} has neither a name nor an e-mail address."),
        Text(N_("Fill in one of them in HubSpot, so the customer can be told apart.")),
    ),
    "plan_limit_reached": Message(
        N_("Deal {deal} was not invoiced: this month's invoices on your plan are used."),
        Text(
            N_(
                "Choose a larger plan to invoice it now; otherwise Retry it when the new "
                "month begins."
            )
        ),
    ),
    "invoice_refused": Message(
        N_("Tripletex refused to invoice the order."),
        Text(N_("Tripletex says: {reason}")),
        after=Text(N_("Fix it in Tripletex or HubSpot, then Retry.")),
    ),
    "invoice_not_sent": Message(
        N_("The invoice was made, but Tripletex could not send it by {method}."),
        Text(N_("Tripletex says: {reason}")),
        after=Text(
            N_("Send it from Tripletex once the customer's details allow; it is not made twice.")
        ),
    ),
    "invoice_send_unconfirmed": Message(
        N_("The invoice was made, but Tripletex did not confirm that it was sent by {method}."),
        Text(N_("Check in Tripletex whether it went out, and send it from there if not.")),
    ),
    "changed_after_invoicing": Message(
        N_("Deal {deal} changed after it was invoiced."),
        Text(
            N_(
                "Nothing was invoiced again. If the change should be billed, credit the "
                "invoice in Tripletex and invoice anew."
            )
        ),
    ),
    # Choosing a product by hand, in the sync settings.
    "hubspot_product_unknown": Message(
        N_("No HubSpot product has the ID, SKU or name “{text}”."),
        Text(N_("A product created a moment ago is found by its ID (the number in its address).")),
    ),
    "hubspot_product_several": Message(
        N_("Several HubSpot products have the SKU or name “{text}”."),
        Text(N_("Give the product's ID instead (the number in its address).")),
    ),
    "tripletex_product_unknown": Message(
        N_("Tripletex has no product with the number or name “{text}”."),
    ),
    "tripletex_product_several": Message(
        N_("Several Tripletex products are named “{text}”."),
        Text(N_("Give the product's number instead.")),
    ),
    "tripletex_product_chosen": Message(
        N_("Tripletex product {number} is already mapped to HubSpot product {other}."),
        Text(N_("Remove that mapping first.")),
    ),
    "tripletex_product_linked": Message(
        N_("Tripletex product {number} is already linked to HubSpot product {other}."),
        Text(N_("Map that HubSpot product to another Tripletex product first.")),
    ),
    "vat_code_unavailable": Message(
        N_("VAT code {code} is not available in Tripletex."),
        Text(N_("The company's outgoing VAT codes are: {available}.")),
        after=Text(N_("Choose one of them as the default VAT code in the sync settings.")),
    ),
    "contact_waiting_for_company": Message(
        N_("{contact} waits for its company to reach Tripletex."),
        Text(
            N_(
                "The contact is sent as soon as its company (HubSpot id {company}) is; that "
                "company's sync error says what stops it."
            )
        ),
    ),
    "tripletex_refused": Message(
        N_("Tripletex refused {record}."),
        Text(N_("Tripletex says: {reason}")),
        after=Text(N_("Fix it in HubSpot; the next sync tries again.")),
    ),
    "choice_not_offered": Message(
        N_("That choice is not one of this company's candidates."),
        Text(N_("Choose one of the customers listed, or skip the company.")),
    ),
    "unexpected": Message(
        N_("Tripletex answered with an unexpected error."),
        Text(
            N_("Try again. If it keeps happening, contact support and give this reference:"),
            code="request_id",
        ),
    ),
}


def message(problem: Problem) -> Message:
    """The message for a problem; an unknown kind reads as unexpected."""
    return MESSAGES.get(problem.kind, MESSAGES["unexpected"])


def fill(
    text: Text | None, detail: dict, translate: Callable[[str], str] = lambda s: s
) -> str | None:
    """The sentence in the reader's language with its details filled in, or None if any is
    missing. A counting sentence takes the English form for its count: a reader in another
    language needs the plural forms of that language (the web layer's ngettext)."""
    if text is None:
        return None
    try:
        source = text.text
        if text.plural is not None and detail[text.count] != 1:
            source = text.plural
        return translate(source).format(**detail)
    except (KeyError, IndexError):
        return None


def title(shown: Message, detail: dict, translate: Callable[[str], str] = lambda s: s) -> str:
    """The headline, its details filled in (a headline with a missing detail reads unfilled)."""
    return fill(Text(shown.title), detail, translate) or translate(shown.title)


def as_text(problem: Problem, translate: Callable[[str], str] = lambda s: s, **extra) -> str:
    """The whole message as one line, for a log, an alert or the CLI."""
    detail = details(problem, translate, **extra)
    shown = message(problem)
    parts = [title(shown, detail, translate)]
    for text in (shown.text, *shown.items, shown.after):
        sentence = fill(text, detail, translate)
        if sentence:
            parts.append(sentence + (f" {detail[text.code]}" if text.code in detail else ""))
    return " ".join(parts)


# How a match rule and a held record read inside a sentence.
RULES = {
    "org_number": N_("organisation number"),
    "email": N_("e-mail"),
    "name": N_("name"),
}
WHY_INVALID = {
    "length": N_("Tripletex needs 9 digits"),
    "check_digit": N_("its last digit does not add up, so it is probably mistyped"),
}
OUTCOMES = {
    True: N_("the company is not sent to Tripletex"),
    False: N_("the customer is created and kept without it"),
}


def details(problem: Problem, translate: Callable[[str], str] = lambda s: s, **extra) -> dict:
    """The problem's details ready to show: area names translated and listed."""
    detail = dict(extra, **problem.detail)
    if "rule" in detail:
        detail["rule"] = translate(RULES.get(detail["rule"], detail["rule"]))
    if "held" in detail:
        detail["outcome"] = translate(OUTCOMES[bool(detail.pop("held"))])
    if problem.kind == "org_number_invalid":
        detail["why"] = translate(WHY_INVALID.get(detail.get("why"), WHY_INVALID["length"]))
    if isinstance(detail.get("candidates"), list):
        detail["candidates"] = ", ".join(str(c) for c in detail["candidates"])
    if problem.kind == "missing_entitlements":
        which = [translate(AREAS.get(w, w)) for w in detail.get("which") or []]
        detail.pop("which", None)
        if which:
            detail["which"] = ", ".join(which)
    return detail


def explain(error: ApiError, *, area: str | None = None) -> Problem:
    """Turn a Tripletex error into something the user can act on, never a stack trace.

    `area` names the entitlement the failed call needed, when a refusal should name it.
    """
    if isinstance(error, BatchInterrupted):  # say what stopped the batch
        return explain(error.error, area=area)
    fields = error.fields()
    if isinstance(error, BadRequest) and "arg:consumerToken" in fields:
        return Problem("consumer_token_refused")
    if isinstance(error, BadRequest) and "arg:employeeToken" in fields:
        return Problem("employee_token_refused")
    if isinstance(error, Unauthorized):
        return Problem("employee_token_refused")
    if isinstance(error, Forbidden):
        return Problem("missing_entitlements", {"which": [area]} if area else {})
    if isinstance(error, RateLimited):
        return Problem("rate_limited", {"seconds": int(error.retry_after or 10)})
    if isinstance(error, DeadlineExceeded):
        return Problem("too_slow", {"seconds": round(error.seconds)})
    if isinstance(error, (TransportError, ServerError)):
        return Problem("unreachable")
    return Problem(
        "unexpected", {"request_id": error.request_id or "-", "status": error.status or "-"}
    )
