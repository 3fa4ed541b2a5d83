"""The connection check: can the sync work with this Tripletex company? One item per
precondition (a bank account, outgoing VAT codes, each endpoint the sync uses), each explained,
all asked at once so a slow Tripletex costs one round trip, not a dozen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ..clients.errors import ApiError
from ..clients.tripletex import TripletexClient
from .problems import Problem, explain

# A VAT-registered company invoices with code 3 (25 %) and its reduced rates; one that is not
# registered has only code 6 (outside the VAT system). Either is enough to invoice.
ENOUGH_VAT_CODES = ("3", "6")


@dataclass
class CheckItem:
    key: str  # bank_account | vat_types | endpoint:<path>
    ok: bool
    problem: Problem | None = None


# Each endpoint the sync uses, the entitlement it needs (as Tripletex names the areas in
# "Adapted setup"), and the cheapest query that proves we may call it.
def _endpoint_probes(today: date) -> dict[str, tuple[str, dict]]:
    window = {"from": 0, "count": 1, "fields": "id"}
    yesterday = (today - timedelta(days=1)).isoformat()
    return {
        "/customer": ("customers", window),
        "/contact": ("contacts", window),
        "/product": ("products", window),
        "/order": ("orders", dict(window, orderDateFrom=yesterday, orderDateTo=today.isoformat())),
        "/invoice": (
            "invoices",
            dict(window, invoiceDateFrom=yesterday, invoiceDateTo=today.isoformat()),
        ),
        "/invoice/paymentType": ("payments", window),
        "/currency": ("currencies", dict(window, code="NOK")),
    }


def _endpoint_check(path: str, area: str, params: dict) -> Callable[[TripletexClient], CheckItem]:
    """Call one endpoint the sync uses; a refusal names the entitlement it lacks."""

    def probe(client: TripletexClient) -> CheckItem:
        try:
            client.request("GET", path, params=params)
            return CheckItem(f"endpoint:{path}", True)
        except ApiError as exc:
            return CheckItem(f"endpoint:{path}", False, explain(exc, area=area))

    return probe


def missing_entitlements(items: list[CheckItem]) -> list[str]:
    """The areas the probes were refused for lack of entitlement."""
    return [
        area
        for i in items
        if i.problem and i.problem.kind == "missing_entitlements"
        for area in i.problem.detail.get("which", [])
    ]


def check_company(client: TripletexClient, today: date) -> list[CheckItem]:
    """Can the sync work with this company? One item per precondition, each explained."""
    endpoints = _endpoint_probes(today)
    probes = [_endpoint_check(path, area, params) for path, (area, params) in endpoints.items()]
    try:
        return client.concurrently(
            _check_bank_account, lambda c: _check_vat_types(c, today), *probes
        )
    except ApiError as exc:
        # No session could be made, so nothing was checked: every item fails the same way.
        problem = explain(exc)
        return [
            CheckItem(key, False, problem)
            for key in ["bank_account", "vat_types", *(f"endpoint:{path}" for path in endpoints)]
        ]


def _check_bank_account(client: TripletexClient) -> CheckItem:
    try:
        accounts = list(
            client.list(
                "/ledger/account",
                params={"number": "1920"},
                fields="id,number,name,bankAccountNumber",
            )
        )
    except ApiError as exc:
        return CheckItem("bank_account", False, explain(exc))
    if any((a.get("bankAccountNumber") or "").strip() for a in accounts):
        return CheckItem("bank_account", True)
    return CheckItem("bank_account", False, Problem("no_bank_account"))


def _check_vat_types(client: TripletexClient, today: date) -> CheckItem:
    try:
        vat_types = list(
            client.list(
                "/ledger/vatType",
                fields="id,number,percentage",
                params={"typeOfVat": "OUTGOING", "vatDate": today.isoformat()},
            )
        )
    except ApiError as exc:
        return CheckItem("vat_types", False, explain(exc))
    numbers = {str(v.get("number")) for v in vat_types}
    if numbers & set(ENOUGH_VAT_CODES):
        return CheckItem("vat_types", True)
    return CheckItem("vat_types", False, Problem("no_vat_types"))
