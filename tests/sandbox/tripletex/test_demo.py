"""The demo world `make run` seeds, read over HTTP as the app would read it."""

import pytest
import requests
from stdnum.no import kontonr, orgnr

from webapp.sandbox import demo_data
from webapp.sandbox.tripletex.demo import ACCOUNTANT_TOKEN, DEMO_TOKENS

WORLD = demo_data.build()


@pytest.fixture
def demo(make_sandbox):
    api = make_sandbox(demo=True)
    main = next(
        c for c in api.control("GET", "companies")["companies"] if c["name"] == "Nordvik Demo AS"
    )
    session = requests.Session()
    session.auth = ("0", api.session(DEMO_TOKENS["working"]))
    session.api, session.company, session.u = api, main, api.url
    return session


def test_the_demo_company_can_invoice_and_has_the_documented_tokens(demo):
    main = demo.company
    assert {t["label"]: t["token"] for t in main["tokens"]} == DEMO_TOKENS
    (account,) = demo.get(demo.u("/v2/ledger/account"), params={"isBankAccount": "true"}).json()[
        "values"
    ]
    assert account["bankAccountNumber"] == main["bankAccountNumber"]
    numbers = {v["number"] for v in demo.get(demo.u("/v2/ledger/vatType")).json()["values"]}
    assert {"3", "31", "33", "5", "6"} <= numbers


def test_demo_customers_overlap_the_hubspot_demo_with_one_inactive(demo):
    customers = demo.get(demo.u("/v2/customer"), params={"isInactive": ""}).json()["values"]
    in_both = [c for c in WORLD["companies"] if c["in_tripletex"]]
    by_name = {c["name"]: c for c in customers}
    assert {c["name"] for c in in_both} < set(by_name)  # and some only in Tripletex
    assert len(by_name) - len(in_both) >= 2
    for company in in_both:
        mine = by_name[company["name"]]
        expected = "" if company["tripletex_match_by"] == "email" else company["org_number"]
        assert mine["organizationNumber"] == expected and mine["email"] == company["email"]
    org_numbers = [c["organizationNumber"] for c in customers if c["organizationNumber"]]
    assert org_numbers and [n for n in org_numbers if not orgnr.is_valid(n)] == []
    inactive = [c["name"] for c in customers if c["isInactive"]]
    assert inactive == [c["name"] for c in in_both if c["tripletex_inactive"]]
    hidden = demo.get(demo.u("/v2/customer")).json()["values"]
    assert inactive[0] not in {c["name"] for c in hidden}


def test_every_demo_company_has_a_valid_organisation_and_bank_account_number(demo):
    companies = demo.api.control("GET", "companies")["companies"]
    assert {c["name"] for c in companies} == {
        "Nordvik Demo AS",
        "Fjellklient AS",
        "Regnskapshuset AS",
    }
    for company in companies:
        assert orgnr.is_valid(company["organizationNumber"]), company
        account = company["bankAccountNumber"]
        assert len(account) == 11 and kontonr.is_valid(account), company


def test_demo_products_share_skus_with_the_hubspot_demo(demo):
    products = {p["number"]: p for p in demo.get(demo.u("/v2/product")).json()["values"]}
    shared = {p["sku"]: p for p in WORLD["products"] if p["in_tripletex"]}
    assert set(shared) < set(products)
    assert not {p["sku"] for p in WORLD["products"] if not p["in_tripletex"]} & set(products)
    for sku, product in shared.items():
        assert products[sku]["priceExcludingVatCurrency"] == product["price"]
        assert products[sku]["vatType"]["id"] == product["vat_type"]


def test_the_demo_accountant_token_reaches_two_client_companies(demo):
    api = demo.api
    secret = api.session(ACCOUNTANT_TOKEN)
    clients = requests.get(api.url("/v2/company/>withLoginAccess"), auth=("0", secret)).json()[
        "values"
    ]
    assert demo.company["id"] in [c["id"] for c in clients] and len(clients) == 2
    as_main = requests.get(api.url("/v2/customer"), auth=(str(demo.company["id"]), secret))
    assert as_main.json()["count"] > 0
