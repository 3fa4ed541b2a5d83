"""A HubSpot company as a Tripletex customer."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.no import orgnr

from ...portal.problems import Problem
from ..settings import SyncSettings

# HubSpot's default company properties the customer is made from (the org number property and
# the e-mail property, when set, come from the settings).
PROPERTIES = (
    "name",
    "domain",
    "website",
    "phone",
    "address",
    "address2",
    "zip",
    "city",
    "country",
)
# HubSpot's company `country` is free text: what people type for the countries a Norwegian
# company's customers are usually in, by ISO code (an ISO code itself is understood too).
COUNTRY_NAMES = {
    "norway": "NO", "norge": "NO", "noreg": "NO",
    "sweden": "SE", "sverige": "SE",
    "denmark": "DK", "danmark": "DK",
    "finland": "FI", "suomi": "FI",
    "iceland": "IS", "island": "IS",
    "germany": "DE", "tyskland": "DE", "deutschland": "DE",
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "storbritannia": "GB",
    "netherlands": "NL", "nederland": "NL", "holland": "NL",
    "france": "FR", "frankrike": "FR",
    "spain": "ES", "spania": "ES",
    "italy": "IT", "italia": "IT",
    "poland": "PL", "polen": "PL",
    "austria": "AT", "østerrike": "AT",
    "switzerland": "CH", "sveits": "CH",
    "estonia": "EE", "estland": "EE",
    "lithuania": "LT", "litauen": "LT",
    "latvia": "LV",
    "ireland": "IE", "irland": "IE",
    "belgium": "BE", "belgia": "BE",
    "united states": "US", "usa": "US", "united states of america": "US",
    "canada": "CA",
    "china": "CN", "kina": "CN",
}  # fmt: skip
# What the mapping writes, and so what a change is judged by. Fields only a create sets
# (language, private individual) are not compared: a person may change them in Tripletex.
COMPARED = ("name", "organizationNumber", "email", "invoiceEmail", "phoneNumber", "website")
ADDRESS_FIELDS = ("addressLine1", "addressLine2", "postalCode", "city")


@dataclass(frozen=True)
class Customer:
    """What a company becomes: the payload, the problems found making it, and its hash."""

    hubspot_id: str
    name: str
    payload: dict  # the compared fields and the postal address; empty values left out
    problems: tuple[Problem, ...] = ()
    held: bool = False  # a problem keeps it out of Tripletex until fixed in HubSpot
    identifiers: dict = field(default_factory=dict)  # to find it again after a lost answer
    private: bool = False  # a person (a deal's contact), not a company

    @property
    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.payload, sort_keys=True).encode()).hexdigest()

    def create_payload(self) -> dict:
        """The payload for a new customer, writing in Norwegian."""
        return dict(self.payload, language="NO", isPrivateIndividual=self.private)


def properties(settings: SyncSettings) -> list[str]:
    """The company properties to read for the mapping."""
    extra = [
        p
        for p in (settings.org_number_property, settings.email_property, settings.currency_property)
        if p
    ]
    return [*PROPERTIES, *extra]


def org_number(value: str | None) -> tuple[str, bool]:
    """An organisation number as Tripletex wants it (nine digits), and whether it is valid."""
    number, why = _checked(value)
    return number, why is None


def _checked(value: str | None) -> tuple[str, str | None]:
    """The number as Tripletex wants it, or as written with why it is not valid: "length"
    (not nine digits) or "check_digit" (nine digits, mistyped)."""
    raw = (value or "").strip()
    if not raw:
        return "", None
    # Also as written on invoices and in the VAT register: "NO 923 609 016 MVA", 923.609.016.
    bare = re.sub(r"[\s.\-]", "", raw).upper().removeprefix("NO").removesuffix("MVA")
    try:
        return orgnr.validate(bare), None
    except InvalidChecksum:
        return raw, "check_digit"
    except ValidationError:
        return raw, "length"


def country_code(value: str | None) -> str:
    """The ISO alpha-2 code of what a person typed as the country, or "" if not understood."""
    text = (value or "").strip().lower()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRY_NAMES.get(text, "")


def to_customer(
    company: dict,
    settings: SyncSettings,
    countries: dict[str, int] | None = None,
    currencies: dict[str, int] | None = None,
) -> Customer:
    """Map one company (as HubSpot's API returns it) to a customer; `countries` gives
    Tripletex's country id by ISO code (the company's own table, from `/country`), and
    `currencies` its currency id by ISO code (from `/currency`; ids are not the codes)."""
    props = company.get("properties") or {}
    hubspot_id = str(company["id"])
    name = _text(props.get("name"))
    problems: list[Problem] = []
    held = False
    if not name:
        problems.append(Problem("company_without_name", {"company": hubspot_id}))
        held = True
    payload: dict = {"name": name}

    number, why = _checked(props.get(settings.org_number_property))
    if number and why is None:
        payload["organizationNumber"] = number
    elif number:
        problems.append(
            Problem(
                "org_number_invalid",
                {
                    "company": name or hubspot_id,
                    "value": number,
                    "property": settings.org_number_property,
                    "held": settings.invalid_org_number == "hold",
                    "why": why,
                },
            )
        )
        held = held or settings.invalid_org_number == "hold"

    email = _text(props.get(settings.email_property)) if settings.email_property else ""
    if email:
        payload["email"] = payload["invoiceEmail"] = email
    if phone := _text(props.get("phone")):
        payload["phoneNumber"] = phone
    if website := _text(props.get("website")) or _text(props.get("domain")):
        payload["website"] = website
    address = {
        key: value
        for key, value in (
            ("addressLine1", _text(props.get("address"))),
            ("addressLine2", _text(props.get("address2"))),
            ("postalCode", _text(props.get("zip"))),
            ("city", _text(props.get("city"))),
        )
        if value
    }
    typed = _text(props.get("country"))
    if typed and countries is not None:
        country = countries.get(country_code(typed))
        if country is not None:
            address["country"] = {"id": country}
        else:
            problems.append(
                Problem("country_unknown", {"company": name or hubspot_id, "value": typed})
            )
    if address:
        payload["postalAddress"] = address
    written = _text(props.get(settings.currency_property)) if settings.currency_property else ""
    if written and currencies is not None:
        currency = currencies.get(written.upper())
        if currency is not None:
            payload["currency"] = {"id": currency}
        else:
            problems.append(
                Problem(
                    "currency_unknown",
                    {
                        "company": name or hubspot_id,
                        "value": written,
                        "property": settings.currency_property,
                    },
                )
            )
    identifiers = {
        key: payload[key] for key in ("name", "organizationNumber", "email") if key in payload
    }
    return Customer(hubspot_id, name, payload, tuple(problems), held, identifiers)


def to_private_customer(contact: dict) -> Customer:
    """A deal's contact as the private individual it is invoiced as (a deal without a
    company): held when it has neither a name nor an e-mail address to be told apart by."""
    props = contact.get("properties") or {}
    hubspot_id = str(contact["id"])
    email = _text(props.get("email"))
    name = " ".join(p for p in (_text(props.get("firstname")), _text(props.get("lastname"))) if p)
    payload: dict = {"name": name or email}
    if email:
        payload["email"] = payload["invoiceEmail"] = email
    if phone := _text(props.get("mobilephone")) or _text(props.get("phone")):
        payload["phoneNumberMobile"] = phone
    problems = () if name or email else (Problem("contact_without_name", {"contact": hubspot_id}),)
    identifiers = {key: payload[key] for key in ("name", "email") if payload.get(key)}
    return Customer(
        hubspot_id, payload["name"], payload, problems, bool(problems), identifiers, private=True
    )


def changes(customer: Customer, current: dict, *, first_link: bool = False) -> dict:
    """The fields of `customer` that differ from the Tripletex customer `current`, as a PUT.

    An empty HubSpot value never clears Tripletex's (the mapping leaves empty values out). On
    the first link to a customer that existed already its name stays as the accountant wrote
    it (the rules found it, so it names the same company); a later change in HubSpot is sent.
    The postal address is updated in place (its id), as Tripletex requires.
    """
    update = {
        key: customer.payload[key]
        for key in COMPARED
        if key in customer.payload
        and customer.payload[key] != (current.get(key) or "")
        and not (first_link and key == "name")
    }
    currency = customer.payload.get("currency")
    if currency and currency["id"] != (current.get("currency") or {}).get("id"):
        update["currency"] = currency
    address = customer.payload.get("postalAddress")
    held = current.get("postalAddress") or {}
    if address and any(address.get(k, "") != (held.get(k) or "") for k in address):
        update["postalAddress"] = dict(address, id=held["id"]) if held.get("id") else address
    return update


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
