"""Norwegian VAT codes: the set a company holds, which it may use, and which a line gets.

Ids are not numbers: each company numbers its VAT types from its own block of a hundred (code 3
is id 119 in the first company, 219 in the second), so code that sends a code where an id
belongs meets 422. The one exception is code 0, which Tripletex gives a line that names neither
a vatType nor a product, observed as `vatType.id=0` (fidelity-findings A5).
"""

from __future__ import annotations

from flask import request

from . import dates, envelopes
from .errors import bad_param, validation

INVALID = "Ugyldig mva-kode."
TYPES_OF_VAT = ("OUTGOING", "INCOMING", "INCOMING_INVOICE", "PROJECT", "LEDGER")
REGISTERED = "VAT_REGISTERED"

# (number, name, percentage, direction): the SAF-T standard codes Tripletex uses.
CODES = [
    ("0", "Ingen avgiftsbehandling", 0, "INCOMING"),
    ("1", "Fradrag inngående avgift, høy sats", 25, "INCOMING"),
    ("11", "Fradrag inngående avgift, middels sats", 15, "INCOMING"),
    ("12", "Fradrag inngående avgift, råfisk", 11.11, "INCOMING"),
    ("13", "Fradrag inngående avgift, lav sats", 12, "INCOMING"),
    ("14", "Fradrag innførselsmva, høy sats", 25, "INCOMING"),
    ("15", "Fradrag innførselsmva, middels sats", 15, "INCOMING"),
    ("81", "Innførsel av varer, med fradrag for innførselsmva, høy sats", 25, "INCOMING"),
    ("82", "Innførsel av varer, uten fradrag for innførselsmva, høy sats", 25, "INCOMING"),
    ("83", "Innførsel av varer, med fradrag for innførselsmva, middels sats", 15, "INCOMING"),
    ("84", "Innførsel av varer, uten fradrag for innførselsmva, middels sats", 15, "INCOMING"),
    ("85", "Innførsel av varer som det ikke skal betales mva av, nullsats", 0, "INCOMING"),
    ("86", "Tjenester kjøpt fra utlandet, med fradrag, høy sats", 25, "INCOMING"),
    ("87", "Tjenester kjøpt fra utlandet, uten fradrag, høy sats", 25, "INCOMING"),
    ("88", "Tjenester kjøpt fra utlandet, med fradrag, lav sats", 12, "INCOMING"),
    ("89", "Tjenester kjøpt fra utlandet, uten fradrag, lav sats", 12, "INCOMING"),
    ("91", "Kjøp av klimakvoter eller gull, med fradrag", 25, "INCOMING"),
    ("92", "Kjøp av klimakvoter eller gull, uten fradrag", 25, "INCOMING"),
    ("3", "Utgående avgift, høy sats", 25, "OUTGOING"),
    ("31", "Utgående avgift, middels sats", 15, "OUTGOING"),
    ("32", "Utgående avgift, råfisk", 11.11, "OUTGOING"),
    ("33", "Utgående avgift, lav sats", 12, "OUTGOING"),
    ("5", "Ingen utgående avgift (innenfor mva-loven)", 0, "OUTGOING"),
    ("6", "Ingen utgående avgift (utenfor mva-loven)", 0, "OUTGOING"),
    ("51", "Avgiftsfri innenlands omsetning med omvendt avgiftsplikt", 0, "OUTGOING"),
    ("52", "Avgiftsfri utførsel av varer og tjenester", 0, "OUTGOING"),
    ("7", "Ingen avgiftsbehandling (inntekter)", 0, "OUTGOING"),
]
DIRECTION = {number: direction for number, _, _, direction in CODES}
# What a company outside the VAT register may use: code 6 on sales, code 0 on purchases.
UNREGISTERED_CODES = {"6", "0"}


def type_id(ordinal: int, index: int, number: str) -> int:
    """The id of a company's VAT type: 0 for code 0, otherwise from the company's block."""
    return 0 if number == "0" else ordinal * 100 + index


def registered(company_id: int) -> bool:
    settings = envelopes.state().get(company_id, "vatSettings", company_id)
    return settings is None or settings["vatRegistrationStatus"] == REGISTERED


def usable(company_id: int) -> set[str]:
    """The numbers of the VAT codes the company may use (its VAT settings decide)."""
    if registered(company_id):
        return set(DIRECTION)
    return set(UNREGISTERED_CODES)


def by_number(company_id: int, number: str) -> dict | None:
    for vat in envelopes.state().table(company_id, "vatType").values():
        if vat["number"] == number:
            return vat
    return None


def ref(company_id: int, number: str) -> dict:
    return {"id": by_number(company_id, number)["id"]}


def default_product_ref(company_id: int) -> dict:
    """A product without vatType: code 3 in a fresh production account, code 6 outside VAT."""
    return ref(company_id, "3" if registered(company_id) else "6")


def check_sales(company_id: int, vat_ref, field: str) -> None:
    """Refuse a vatType a sale may not carry: unknown, incoming, or not the company's to use."""
    if not vat_ref:
        return
    vat = envelopes.state().get(company_id, "vatType", vat_ref["id"])
    if (
        vat is None
        or vat["number"] not in usable(company_id)
        or (DIRECTION[vat["number"]] != "OUTGOING" and vat["number"] != "0")
    ):
        raise validation(field, INVALID)


def rate(company_id: int, vat_ref) -> float:
    """The percentage of a vatType reference, as a fraction."""
    vat = envelopes.state().get(company_id, "vatType", vat_ref["id"]) if vat_ref else None
    return (vat["percentage"] if vat else 0) / 100


def search(company_id: int, rows: list[dict]) -> list[dict]:
    """Apply typeOfVat and vatDate: with a type, only the codes the company may use.

    Changelog 2.59.1: "If you for example specify OUTGOING as the type of VAT, you will only
    get VAT types that the company has access to (from the vat-settings of the company)".
    INCOMING_INVOICE is read as INCOMING, PROJECT as OUTGOING and LEDGER as every direction.
    """
    kind = request.args.get("typeOfVat")
    dates.check_query("vatDate")
    if kind in (None, ""):
        return rows
    if kind not in TYPES_OF_VAT:
        raise bad_param("typeOfVat")
    direction = {"INCOMING_INVOICE": "INCOMING", "PROJECT": "OUTGOING"}.get(kind, kind)
    allowed = usable(company_id)
    return [
        row
        for row in rows
        if row["number"] in allowed and direction in ("LEDGER", DIRECTION[row["number"]])
    ]
