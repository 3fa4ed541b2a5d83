"""The shared demo world's Norwegian numbers, checked by python-stdnum and published numbers."""

import random

import pytest
from stdnum.exceptions import ValidationError
from stdnum.no import kontonr, mva, orgnr

from webapp.sandbox import demo_data
from webapp.sandbox.tripletex.demo import bank_account_number


@pytest.mark.parametrize(
    ("body", "scheme", "number"),
    [
        ("99552582", orgnr, "995525828"),  # stdnum's own examples, from real registers
        ("8601111794", kontonr, "86011117947"),
        ("80000005", orgnr, None),  # the mod-11 check digit would be 10
        ("1503000007", kontonr, None),
    ],
)
def test_a_check_digit_is_the_one_stdnum_accepts_or_none(body, scheme, number):
    assert demo_data.with_check_digit(body, scheme) == number


def test_generated_numbers_are_valid_and_the_same_for_the_same_seed():
    rng = random.Random(7)
    org_numbers = [demo_data.make_org_number(rng) for _ in range(200)]
    accounts = [bank_account_number(rng) for _ in range(200)]
    assert [n for n in org_numbers if not orgnr.is_valid(n) or n[0] not in "89"] == []
    assert [n for n in org_numbers if not mva.is_valid(f"NO{n}MVA")] == []
    assert [n for n in accounts if len(n) != 11 or not kontonr.is_valid(n)] == []
    rng = random.Random(7)
    assert [demo_data.make_org_number(rng) for _ in range(200)] == org_numbers


def _refusal(number: str) -> str | None:
    try:
        orgnr.validate(number)
    except ValidationError as error:
        return type(error).__name__
    return None


def test_the_world_has_valid_organisation_numbers_but_four_deliberately_malformed():
    companies = demo_data.build()["companies"]
    refused = [(c["org_number"], _refusal(c["org_number"])) for c in companies]
    malformed = [c["org_number"] for c in companies if c["org_number_malformed"]]
    assert len(companies) == 25 and [n for n, refusal in refused if refusal] == malformed
    assert sorted(refusal for _, refusal in refused if refusal) == (
        ["InvalidChecksum"] * 3 + ["InvalidLength"]
    )
