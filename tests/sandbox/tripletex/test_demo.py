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
    customers = [
        c
        for flag in ("false", "true")  # everyone takes two queries: active, then inactive
        for c in demo.get(demo.u("/v2/customer"), params={"isInactive": flag}).json()["values"]
    ]
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
        vat = demo.get(demo.u(f"/v2/ledger/vatType/{products[sku]['vatType']['id']}")).json()
        assert vat["value"]["number"] == str(product["vat_type"])  # demo_data holds VAT codes


def test_the_demo_accountant_token_reaches_two_client_companies(demo):
    api = demo.api
    secret = api.session(ACCOUNTANT_TOKEN)
    clients = requests.get(api.url("/v2/company/>withLoginAccess"), auth=("0", secret)).json()[
        "values"
    ]
    assert demo.company["id"] in [c["id"] for c in clients] and len(clients) == 2
    as_main = requests.get(api.url("/v2/customer"), auth=(str(demo.company["id"]), secret))
    assert as_main.json()["count"] > 0


def test_the_demo_has_what_the_invoice_sync_meets_send_methods_a_euro_customer_and_rates(demo):
    """Customers whose send method works (EHF to a Peppol-registered number) and fails (EHF
    unregistered, PAPER without a full address), a customer in euro with 30 days' terms, and
    a rate table for the last ten weekdays (fidelity-findings A7, A13)."""
    customers = {c["name"]: c for c in demo.get(demo.u("/v2/customer")).json()["values"]}
    methods = {
        name: customers[name]["invoiceSendMethod"]
        for name in ("Fjordnett EHF AS", "Uregistrert Handel AS", "Brevik Papirfaktura AS")
    }
    assert methods == {
        "Fjordnett EHF AS": "EHF",
        "Uregistrert Handel AS": "EHF",
        "Brevik Papirfaktura AS": "PAPER",
    }
    registry = demo.api.control("GET", "peppol")["organizationNumbers"]
    assert registry == [customers["Fjordnett EHF AS"]["organizationNumber"]]
    euro = customers["Alpenblick Handel GmbH"]
    assert (euro["currency"]["id"], euro["invoicesDueIn"]) == (5, 30)
    rates = demo.api.control("GET", "rates")["rates"]
    assert set(rates) == {"EUR", "USD", "SEK", "DKK"} and len(rates["EUR"]) == 10
    rate = demo.get(demo.u("/v2/currency/5/rate"), params={"date": "2026-11-24"}).json()["value"]
    assert rate["date"] == max(rates["EUR"]) and rate["date"] < "2026-11-24"
    outgoing = demo.get(demo.u("/v2/ledger/vatType"), params={"typeOfVat": "OUTGOING"}).json()
    assert {"3", "6"} <= {v["number"] for v in outgoing["values"]}  # the connection check's


def test_demo_invoices_to_the_send_method_customers_succeed_or_fail_as_documented(demo):
    def invoice_for(name):
        buyer = next(
            c
            for c in demo.get(demo.u("/v2/customer"), params={"customerName": name}).json()[
                "values"
            ]
        )
        made = demo.post(
            demo.u("/v2/order"),
            json={
                "customer": {"id": buyer["id"]},
                "orderDate": "2026-11-24",
                "deliveryDate": "2026-11-24",
                "orderLines": [
                    {"description": "Demo", "count": 1, "unitPriceExcludingVatCurrency": 1}
                ],
            },
        ).json()["value"]
        response = demo.put(
            demo.u(f"/v2/order/{made['id']}/:invoice"), params={"invoiceDate": "2026-11-24"}
        )
        return response.status_code, (response.json().get("validationMessages") or [{}])[0]

    assert invoice_for("Fjordnett")[0] == 200
    assert invoice_for("Uregistrert") == (
        422,
        {"field": None, "message": "Faktura kan ikke sendes via EHF", "path": None, "rootId": None},
    )
    assert invoice_for("Brevik")[1]["message"] == "Faktura kan ikke sendes via PAPER"
    assert invoice_for("Alpenblick")[0] == 200
