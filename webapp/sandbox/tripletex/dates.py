"""Dates as Tripletex takes them: yyyy-MM-dd and nothing else, in the query and in bodies.

The spec gives every date as `yyyy-MM-dd`; "01.11.2026", "20261101" or "2026-11-1" are
refused with 422 rather than stored as sent (and then compared as strings).
"""

from __future__ import annotations

import re
from datetime import date

from flask import request

from .errors import bad_param, missing_params, validation

BAD_DATE = "Ugyldig dato. Formatet er yyyy-MM-dd."
_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Body fields that hold a date, per type; "" (unset) is allowed, anything else must be a date.
BODY_DATES = {
    "order": {"orderDate", "deliveryDate"},
    "invoice": {"invoiceDate", "invoiceDueDate"},
}


def parse(raw) -> date | None:
    """The date `raw` names, or None unless it is exactly yyyy-MM-dd and a real day."""
    if not isinstance(raw, str) or not _SHAPE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def query(param: str, required: bool = True, default: str | None = None) -> str | None:
    """The query parameter `param` as an ISO date; 422 when missing (if required) or malformed."""
    raw = request.args.get(param)
    if raw in (None, ""):
        if required:
            raise missing_params(param)
        return default
    if parse(raw) is None:
        raise bad_param(param, BAD_DATE)
    return raw


def required(*params: str) -> list[str]:
    """The ISO dates of required query parameters; 422 naming every one missing or malformed."""
    missing = [p for p in params if request.args.get(p) in (None, "")]
    if missing:
        raise missing_params(*missing)
    return [query(p) for p in params]


def check_query(*params: str) -> None:
    """Refuse any of `params` present in the query with a malformed date."""
    for param in params:
        raw = request.args.get(param)
        if raw not in (None, "") and parse(raw) is None:
            raise bad_param(param, BAD_DATE)


def check_body(kind: str, key: str, value, where: str = "") -> None:
    """Refuse a body date of `kind` that is not yyyy-MM-dd."""
    if key in BODY_DATES.get(kind, ()) and value not in (None, "") and parse(value) is None:
        raise validation(f"{where}{key}", BAD_DATE)
