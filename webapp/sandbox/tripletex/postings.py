"""The ledger behind invoices and payments: postings, open posts, close groups, vouchers.

These are the routes the reference stubs point at (`ledger/posting/N`, `ledger/closeGroup/N`,
`ledger/voucher/N`), and the FAQ's way of finding what is paid: "get all postings where
customerId = Invoice.customerId; locally find where invoiceNumber = invoice.number; if any has
closegroupId, then everything is paid or credited in full" (tripletex-api2 FAQ.md).
"""

from __future__ import annotations

from flask import Blueprint, g, request

from . import crud, dates, envelopes
from .auth import entitled
from .errors import bad_param

bp = Blueprint("tripletex_postings", __name__)

OPEN_ITEM_ACCOUNTS = {1500}  # the customer ledger: postings there stay open until closed
_REFS = [
    (param, field, "ref_eq")
    for param, field in (
        ("accountId", "account"),
        ("supplierId", "supplier"),
        ("customerId", "customer"),
        ("employeeId", "employee"),
        ("departmentId", "department"),
        ("projectId", "project"),
        ("productId", "product"),
    )
]
POSTING = crud.Resource(
    "posting",
    events=False,
    filters=[
        ("dateFrom", "date", "date_from"),
        ("dateTo", "date", "date_to"),
        *_REFS,
        ("type", "type", "eq"),
    ],
)
OPEN_POST = crud.Resource("posting", events=False, filters=_REFS)
CLOSE_GROUP = crud.Resource(
    "closeGroup",
    events=False,
    filters=[
        ("id", "id", "ids"),
        ("dateFrom", "date", "date_from"),
        ("dateTo", "date", "date_to"),
    ],
)


def _account_range(rows: list[dict]) -> list[dict]:
    """accountNumberFrom (including) and accountNumberTo (excluding), by account number."""
    bounds = {}
    for param in ("accountNumberFrom", "accountNumberTo"):
        raw = request.args.get(param)
        if raw not in (None, ""):
            if not raw.isdigit():
                raise bad_param(param)
            bounds[param] = int(raw)
    if not bounds:
        return rows
    state = envelopes.state()

    def number(row):
        return state.get(g.company_id, "account", row["account"]["id"])["number"]

    low, high = bounds.get("accountNumberFrom", 0), bounds.get("accountNumberTo", 10**9)
    return [row for row in rows if low <= number(row) < high]


def _open_item(row: dict) -> bool:
    account = envelopes.state().get(g.company_id, "account", row["account"]["id"])
    return account is not None and account["number"] in OPEN_ITEM_ACCOUNTS


@bp.get("/v2/ledger/posting")
@entitled("ledger")
def list_postings():
    dates.required("dateFrom", "dateTo")
    rows = crud.search(POSTING, g.company_id, request.args)
    return envelopes.listing("posting", _account_range(rows))


@bp.get("/v2/ledger/posting/<int:posting_id>")
@entitled("ledger")
def get_posting(posting_id):
    return envelopes.value("posting", crud.fetch(POSTING, g.company_id, posting_id))


@bp.get("/v2/ledger/posting/openPost")
@entitled("ledger")
def open_posts():
    """Open items as of `date` (to and excluding): dated before it and not closed before it."""
    day = dates.query("date")
    state = envelopes.state()
    rows = []
    for row in crud.search(OPEN_POST, g.company_id, request.args):
        if row["date"] >= day or not _open_item(row):
            continue
        group = (
            state.get(g.company_id, "closeGroup", row["closeGroup"]["id"])
            if (row["closeGroup"])
            else None
        )
        if group is None or group["date"] >= day:
            rows.append(row)
    return envelopes.listing("posting", _account_range(rows))


@bp.get("/v2/ledger/closeGroup")
@entitled("ledger")
def list_close_groups():
    dates.required("dateFrom", "dateTo")
    return envelopes.listing("closeGroup", crud.search(CLOSE_GROUP, g.company_id, request.args))


@bp.get("/v2/ledger/closeGroup/<int:group_id>")
@entitled("ledger")
def get_close_group(group_id):
    return envelopes.value("closeGroup", crud.fetch(CLOSE_GROUP, g.company_id, group_id))


@bp.get("/v2/ledger/voucher/<int:voucher_id>")
@entitled("ledger")
def get_voucher(voucher_id):
    voucher = crud.fetch(crud.Resource("voucher"), g.company_id, voucher_id)
    return envelopes.value("voucher", voucher)


@bp.get("/v2/ledger/vatSettings")
@entitled("ledger")
def vat_settings():
    """VAT_REGISTERED, or VAT_NOT_REGISTERED for a company outside the VAT register (2.74.00)."""
    found = envelopes.state().get(g.company_id, "vatSettings", g.company_id)
    return envelopes.value("vatSettings", found)
