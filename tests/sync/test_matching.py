"""Which existing Tripletex customer a HubSpot company is: the rules, in order, and their limits.

A wrong link writes one company's data over another's customer; a missed one makes a
duplicate. Pure: companies go through the mapping, customers are dicts as Tripletex lists them.
"""

from __future__ import annotations

import pytest

from webapp.sync.mapping.customer import to_customer
from webapp.sync.matching import (
    AMBIGUOUS,
    CREATE,
    LINK,
    SHARED_MAIL_DOMAINS,
    CustomerIndex,
    Match,
    match_company,
)
from webapp.sync.settings import MATCH_RULES, SyncSettings

SETTINGS = SyncSettings(email_property="epost")
NO_EMAIL_PROPERTY = SyncSettings()
ORG = "923609016"
OTHER_ORG = "987654325"


def tx(id: int, name: str = "", org: str = "", email: str = "", **more) -> dict:
    """A customer as Tripletex lists it (empty strings where it has nothing)."""
    return {
        "id": id,
        "name": name,
        "organizationNumber": org,
        "email": email,
        "invoiceEmail": "",
        "isInactive": False,
        **more,
    }


def match(
    properties: dict,
    customers: list[dict],
    *,
    rules=MATCH_RULES,
    domain: str = "",
    taken=(),
    settings: SyncSettings = SETTINGS,
) -> Match:
    draft = to_customer({"id": "1", "properties": properties}, settings)
    return match_company(draft, domain, CustomerIndex(customers), rules, set(taken))


def test_an_org_number_links_the_customer_that_has_it():
    found = match({"name": "Acme AS", "orgnr": ORG}, [tx(6, "Other AS"), tx(7, "Acme", ORG)])

    assert (found, found.customer_id) == (Match(LINK, "org_number", (7,)), 7)


@pytest.mark.parametrize("held", ["923 609 016", "NO 923609016 MVA", " 923609016"])
def test_org_numbers_are_compared_as_digits(held):
    """An accountant may have typed Tripletex's number spaced, or as the VAT number."""
    found = match({"name": "Acme AS", "orgnr": "923 609 016"}, [tx(7, "Acme", held)])

    assert found == Match(LINK, "org_number", (7,))


def test_the_first_rule_that_finds_anything_decides():
    """The org number found one; the name's other candidate is never looked at."""
    customers = [tx(7, "Acme Norge", ORG), tx(8, "Acme AS")]

    assert match({"name": "Acme AS", "orgnr": ORG}, customers) == Match(LINK, "org_number", (7,))


def test_several_candidates_from_an_earlier_rule_are_ambiguous_even_if_a_later_rule_finds_one():
    customers = [
        tx(3, "Acme Sales", email="post@acme.no"),
        tx(5, "Acme Support", email="post@acme.no"),
        tx(8, "Acme AS"),
    ]

    found = match({"name": "Acme AS", "epost": "post@acme.no"}, customers)

    assert (found, found.customer_id) == (Match(AMBIGUOUS, "email", (3, 5)), None)


def test_rules_are_tried_in_the_order_the_portal_chose():
    customers = [tx(7, "Acme Norge", ORG), tx(8, "Acme AS")]

    found = match({"name": "Acme AS", "orgnr": ORG}, customers, rules=("name", "org_number"))

    assert found == Match(LINK, "name", (8,))


def test_a_rule_the_portal_left_out_is_not_tried():
    found = match({"name": "Acme AS"}, [tx(8, "Acme AS")], rules=("org_number", "email"))

    assert found == Match(CREATE)


def test_nothing_found_by_any_rule_creates():
    found = match(
        {"name": "Acme AS", "orgnr": ORG, "epost": "post@acme.no"},
        [tx(6, "Other AS", OTHER_ORG, "post@other.no")],
    )

    assert (found, found.customer_id) == (Match(CREATE, None, ()), None)


def test_an_empty_tripletex_finds_nothing():
    assert match({"name": "Acme AS", "orgnr": ORG}, []) == Match(CREATE)


# e-mail


@pytest.mark.parametrize("field", ["email", "invoiceEmail"])
def test_an_email_is_compared_without_regard_to_case(field):
    customers = [tx(6, "Other AS"), {**tx(7, "Acme"), field: " Post@ACME.no "}]

    found = match({"name": "Acme AS", "epost": "post@Acme.NO"}, customers)

    assert found == Match(LINK, "email", (7,))


def test_without_an_email_property_the_companys_domain_finds_customers_mailing_from_it():
    customers = [tx(6, "Other AS", email="ola@other.no"), tx(7, "Acme", email="Ola@Acme.no")]

    found = match({"name": "Acme AS"}, customers, domain="acme.no", settings=NO_EMAIL_PROPERTY)

    assert found == Match(LINK, "email", (7,))


def test_a_domain_finds_the_invoice_email_too():
    customers = [{**tx(7, "Acme"), "invoiceEmail": "faktura@acme.no"}]

    found = match({"name": "Acme AS"}, customers, domain="acme.no", settings=NO_EMAIL_PROPERTY)

    assert found == Match(LINK, "email", (7,))


def test_a_domain_shared_by_several_customers_is_ambiguous():
    customers = [tx(4, "Acme Sales", email="sales@acme.no"), tx(2, "Acme", email="ola@acme.no")]

    found = match({"name": "Acme AS"}, customers, domain="acme.no", settings=NO_EMAIL_PROPERTY)

    assert found == Match(AMBIGUOUS, "email", (2, 4))


@pytest.mark.parametrize("shared", sorted(SHARED_MAIL_DOMAINS))
def test_a_shared_mail_domain_never_matches(shared):
    """A gmail.com domain says nothing about which company the mailbox belongs to."""
    customers = [tx(7, "Ola Nordmann", email=f"ola@{shared}")]

    found = match(
        {"name": "Acme AS"}, customers, rules=("email",), domain=shared, settings=NO_EMAIL_PROPERTY
    )

    assert found == Match(CREATE)


def test_a_company_without_a_domain_is_not_matched_by_domain():
    customers = [tx(7, "Acme", email="ola@acme.no")]

    found = match({"name": "Acme AS"}, customers, rules=("email",), settings=NO_EMAIL_PROPERTY)

    assert found == Match(CREATE)


def test_a_company_with_an_email_is_matched_by_it_not_by_its_domain():
    """The address is the better evidence: a domain match behind a missed address is a guess."""
    customers = [tx(7, "Acme", email="ola@acme.no")]

    found = match(
        {"name": "Acme AS", "epost": "post@acme.no"}, customers, rules=("email",), domain="acme.no"
    )

    assert found == Match(CREATE)


# name


def test_a_name_links_only_when_it_is_exactly_the_same():
    customers = [tx(6, "ACME AS"), tx(7, "Acme AS "), tx(8, "Acme")]

    assert match({"name": " Acme AS"}, customers) == Match(LINK, "name", (7,))
    assert match({"name": "Acme As"}, customers) == Match(CREATE)


def test_a_nameless_customer_is_never_a_name_match():
    customers = [tx(7, "", email="x@y.no")]

    assert match({"name": ""}, customers, rules=("name",)) == Match(CREATE)


# who is a candidate


def test_an_inactive_customer_is_a_candidate_like_the_others():
    """Tripletex hides inactive customers unless asked; missing them would make a duplicate."""
    found = match({"name": "Acme AS", "orgnr": ORG}, [tx(7, "Acme", ORG, isInactive=True)])

    assert found == Match(LINK, "org_number", (7,))


def test_several_customers_with_the_org_number_are_ambiguous_with_all_of_them_sorted():
    customers = [tx(9, "Acme", ORG), tx(7, "Acme Norge", ORG), tx(8, "Other", OTHER_ORG)]

    found = match({"name": "Acme AS", "orgnr": ORG}, customers)

    assert found == Match(AMBIGUOUS, "org_number", (7, 9))


def test_a_candidate_linked_to_another_company_is_ambiguous_rather_than_created():
    """Two HubSpot companies for one customer is for a person to settle, not a duplicate."""
    found = match({"name": "Acme AS", "orgnr": ORG}, [tx(7, "Acme", ORG)], taken={7})

    assert found == Match(AMBIGUOUS, "org_number", (7,))


def test_a_taken_candidate_among_several_keeps_them_all():
    customers = [tx(7, "Acme AS"), tx(8, "Acme AS")]

    assert match({"name": "Acme AS"}, customers, taken={8}) == Match(AMBIGUOUS, "name", (7, 8))


def test_a_taken_customer_other_rules_do_not_find_does_not_matter():
    customers = [tx(7, "Acme AS", ORG), tx(8, "Other AS")]

    assert match({"name": "Acme AS", "orgnr": ORG}, customers, taken={8}) == Match(
        LINK, "org_number", (7,)
    )


@pytest.mark.parametrize(
    "customer, rule",
    [
        (tx(7, "Other name", OTHER_ORG, "post@acme.no"), "email"),
        (tx(7, "Acme AS", OTHER_ORG, "x@other.no"), "name"),
        (tx(7, "Acme AS", f"NO {OTHER_ORG} MVA", "post@acme.no"), "name"),
    ],
)
def test_a_customer_with_another_org_number_is_never_a_match_by_email_or_name(customer, rule):
    """Another organisation number is another company, whatever else they share."""
    properties = {"name": "Acme AS", "orgnr": ORG, "epost": "post@acme.no"}

    assert match(properties, [customer], rules=(rule,)) == Match(CREATE)


def test_a_customer_with_another_org_number_is_not_a_match_by_domain():
    customers = [tx(7, "Acme", OTHER_ORG, "ola@acme.no")]

    found = match(
        {"name": "Acme AS", "orgnr": ORG}, customers, domain="acme.no", settings=NO_EMAIL_PROPERTY
    )

    assert found == Match(CREATE)


def test_another_org_number_drops_that_candidate_and_keeps_the_one_without_a_number():
    customers = [tx(7, "Acme AS", OTHER_ORG), tx(8, "Acme AS")]

    assert match({"name": "Acme AS", "orgnr": ORG}, customers) == Match(LINK, "name", (8,))


def test_a_company_without_a_valid_org_number_may_match_a_numbered_customer_by_name():
    """An invalid number is left out of the mapping, so there is nothing to tell them apart."""
    found = match({"name": "Acme AS", "orgnr": "92360901"}, [tx(7, "Acme AS", ORG)])

    assert found == Match(LINK, "name", (7,))


# the index


def test_the_index_holds_every_customer_by_id():
    customers = [tx(7, "Acme AS", ORG), tx(8, "Other AS")]

    assert CustomerIndex(customers).by_id == {7: customers[0], 8: customers[1]}


def test_a_customer_with_empty_fields_is_not_found_by_them():
    index = CustomerIndex([tx(7, name="", org="", email="", invoiceEmail=None)])

    assert [index.find(rule, "") for rule in ("org_number", "email", "domain", "name")] == [
        set(),
        set(),
        set(),
        set(),
    ]
