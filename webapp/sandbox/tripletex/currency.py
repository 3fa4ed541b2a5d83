"""Exchange rates per day and the /currency routes that read them.

A rate is NOK per `factor` units, as Norges Bank quotes it (SEK and DKK per 100), and a date
uses the newest rate on or before it ("using the newest exchange rate available for the given
date", spec). Tripletex fetches Norges Bank's rates twice a day (FAQ.md); the sandbox's table
is seeded through the control API, and a currency without an entry on or before a date falls
back to its base rate below.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from . import crud, dates, envelopes
from .auth import entitled
from .errors import bad_param, missing_params, not_found

bp = Blueprint("tripletex_currency", __name__)

NOK = 1
# id, code, description, factor, base rate (NOK per factor units)
CURRENCIES = [
    (1, "NOK", "Norsk krone", 1, 1.0),
    (2, "SEK", "Svensk krone", 100, 106.0),
    (3, "DKK", "Dansk krone", 100, 156.8),
    (4, "USD", "Amerikansk dollar", 1, 10.1),
    (5, "EUR", "Euro", 1, 11.7),
]
BASE = {code: (factor, rate) for _, code, _, factor, rate in CURRENCIES}
CODES = {cid: code for cid, code, *_ in CURRENCIES}


def rate_on(code: str, day: str) -> tuple[float, int, str]:
    """(rate, factor, the date the rate is from) for `code` on ISO date `day`."""
    factor, base = BASE[code]
    if code == "NOK":
        return 1.0, 1, day
    table = envelopes.state().rates.get(code, {})
    earlier = [d for d in table if d <= day]
    if earlier:
        newest = max(earlier)
        return table[newest], factor, newest
    return base, factor, day


def to_nok(currency_ref, amount: float, day: str) -> float:
    """`amount` in the currency of `currency_ref` converted to NOK on `day`."""
    code = CODES.get((currency_ref or {}).get("id", NOK), "NOK")
    rate, factor, _ = rate_on(code, day)
    return amount * rate / factor


def convert(from_ref, to_ref, amount: float, day: str) -> float:
    """`amount` from one currency into another, through NOK."""
    nok = to_nok(from_ref, amount, day)
    return nok / to_nok(to_ref, 1.0, day)


def is_foreign(currency_ref) -> bool:
    return bool(currency_ref) and currency_ref["id"] != NOK


def _currency(currency_id: int) -> dict:
    found = envelopes.state().get(g.company_id, "currency", currency_id)
    if found is None:
        raise not_found()
    return found


def _amount() -> float:
    raw = request.args.get("amount")
    if raw in (None, ""):
        raise missing_params("amount")
    try:
        return float(raw)
    except ValueError:
        raise bad_param("amount") from None


@bp.get("/v2/currency/<int:currency_id>/rate")
@entitled("ledger")
def rate(currency_id):
    day = dates.query("date")
    currency = _currency(currency_id)
    value, _, on = rate_on(currency["code"], day)
    found = crud.new_object("currencyRate")
    found.update(
        id=int(on.replace("-", "")) * 100 + currency["id"],  # one rate per currency and day
        sourceCurrency={"id": currency["id"]},
        targetCurrency={"id": NOK},
        rate=value,
        date=on,
    )
    return envelopes.value("currencyRate", found)


@bp.get("/v2/currency/<int:from_id>/<int:to_id>/exchangeRate")
@entitled("ledger")
def exchange(from_id, to_id):
    amount, day = _amount(), dates.query("date")
    source, target = _currency(from_id), _currency(to_id)
    value = convert({"id": source["id"]}, {"id": target["id"]}, amount, day)
    return jsonify({"value": round(value, 2)})


@bp.get("/v2/currency/<int:from_id>/exchangeRate")
@entitled("ledger")
def exchange_to_company_currency(from_id):
    amount, day = _amount(), dates.query("date")
    source = _currency(from_id)
    return jsonify({"value": round(to_nok({"id": source["id"]}, amount, day), 2)})
