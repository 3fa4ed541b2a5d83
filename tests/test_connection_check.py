"""The connection check's rules, against a scripted Tripletex: what passes, what fails, and why."""

import re

import pytest

from tests.conftest import FakeClock
from webapp.clients.tripletex import TripletexClient
from webapp.portal.connection_check import check_company
from webapp.portal.problems import as_text

SESSION = {"value": {"token": "session-1", "expirationDate": "2026-11-26"}}


def tripletex(httpserver, *, vat_numbers: list[str], bank_account: str = "15032080119"):
    """A Tripletex whose company has these outgoing VAT codes and this bank account on 1920."""
    httpserver.expect_request("/v2/token/session/:create").respond_with_json(SESSION)
    httpserver.expect_request("/v2/ledger/account").respond_with_json(
        {"values": [{"id": 1, "number": 1920, "bankAccountNumber": bank_account}]}
    )
    httpserver.expect_request("/v2/ledger/vatType").respond_with_json(
        {"values": [{"id": 100 + n, "number": v} for n, v in enumerate(vat_numbers)]}
    )
    httpserver.expect_request(re.compile("/v2/.*")).respond_with_json({"values": []})
    return TripletexClient(httpserver.url_for("/v2"), "consumer", "employee", clock=FakeClock())


@pytest.mark.parametrize(
    "numbers, ok",
    [
        (["3", "31", "33", "5", "6"], True),  # a VAT-registered company
        (["6"], True),  # a company outside the VAT system: code 6 only
        (["3"], True),
        (["31", "33", "5"], False),  # reduced rates alone cannot invoice most sales
        ([], False),
    ],
)
def test_invoicing_needs_vat_code_3_or_6(httpserver, numbers, ok):
    items = {
        i.key: i
        for i in check_company(tripletex(httpserver, vat_numbers=numbers), FakeClock().today())
    }

    assert items["vat_types"].ok is ok
    if not ok:
        assert as_text(items["vat_types"].problem) == (
            "No outgoing VAT codes are available. In Tripletex, check the company's VAT "
            "settings: outgoing VAT code 3 (25 %) must be active, or code 6 for a company not "
            "registered for VAT."
        )


def test_a_company_without_a_bank_account_number_on_1920_cannot_invoice(httpserver):
    items = {
        i.key: i
        for i in check_company(
            tripletex(httpserver, vat_numbers=["3"], bank_account=" "), FakeClock().today()
        )
    }

    assert items["bank_account"].ok is False
    assert items["bank_account"].problem.kind == "no_bank_account"
    assert all(i.ok for key, i in items.items() if key != "bank_account")
