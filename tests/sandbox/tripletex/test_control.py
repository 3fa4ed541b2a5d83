"""The control API at /_sandbox/: companies and tokens, payments, clock, faults, log, reset."""

import pytest
import requests
from stdnum.no import kontonr, orgnr

from webapp.sandbox.tripletex import control, create_app, faults
from webapp.sandbox.tripletex.state import DEFAULT_SETTINGS

from .conftest import CONSUMER
from .flows import invoiced


def test_the_index_lists_the_control_endpoints(api):
    endpoints = api.control("GET", "")["endpoints"]
    assert {
        "/_sandbox/companies",
        "/_sandbox/clock",
        "/_sandbox/faults",
        "/_sandbox/requests",
        "/_sandbox/reset",
        "/_sandbox/invoices/<int:invoice_id>/pay",
    } <= set(endpoints)


def test_a_new_company_lists_a_token_for_each_way_a_token_can_fail(api):
    company = api.company(
        name="Kontroll AS", organizationNumber="923609016", tokens={"working": "my-working-token"}
    )
    assert (company["name"], company["organizationNumber"]) == ("Kontroll AS", "923609016")
    assert len(company["bankAccountNumber"]) == 11
    tokens = {t["label"]: t for t in company["tokens"]}
    assert set(tokens) == {"working", "revoked", "other-app", "no-entitlements"}
    assert tokens["working"]["token"] == "my-working-token"
    assert tokens["working"]["entitlements"] == "ALL" and not tokens["working"]["revoked"]
    assert tokens["revoked"]["revoked"] is True
    assert tokens["other-app"]["applicationName"] != tokens["working"]["applicationName"]
    assert tokens["no-entitlements"]["entitlements"] == []
    listed = api.control("GET", "companies")["companies"]
    assert [c["id"] for c in listed] == [company["id"]]


def test_with_accountant_adds_a_token_that_reaches_two_client_companies(api):
    firm = api.company(name="Regnskap AS", withAccountant=True, bankAccountNumber="")
    (accountant,) = [t for t in firm["tokens"] if t["label"] == "accountant"]
    clients = accountant["clientCompanyIds"]
    assert len(clients) == 2 and firm["id"] not in clients
    listed = {c["id"]: c for c in api.control("GET", "companies")["companies"]}
    assert set(clients) <= set(listed)
    for company in [firm] + [listed[c] for c in clients]:
        assert orgnr.is_valid(company["organizationNumber"])
    assert all(kontonr.is_valid(listed[c]["bankAccountNumber"]) for c in clients)
    assert firm["bankAccountNumber"] == ""


def test_customers_pay_partly_then_fully_or_an_invoice_is_credited(api):
    tx = api.login()
    made = invoiced(tx)
    part = api.control("POST", f"invoices/{made['id']}/pay", {"amount": 250})
    assert part["amountOutstanding"] == 1000
    seen = tx.get(api.url(f"/v2/invoice/{made['id']}")).json()["value"]
    assert (seen["amountOutstanding"], seen["version"]) == (1000, made["version"] + 1)
    rest = api.control("POST", f"invoices/{made['id']}/pay", {})
    assert rest["amountOutstanding"] == 0 and len(rest["postings"]) == 3
    other = invoiced(tx)
    credited = api.control("POST", f"invoices/{other['id']}/credit", {"comment": "Retur"})
    assert credited["invoice"]["isCredited"] is True
    assert credited["creditNote"]["creditedInvoice"] == other["id"]
    assert api.control("POST", "invoices/1/pay", {}, status=404)["error"]


def test_moving_the_clock_makes_invoices_overdue_and_sessions_expire(api):
    tx = api.login()  # session valid until 2026-11-26
    made = invoiced(tx)
    moved = api.control("POST", "clock", {"advanceDays": 15})
    assert moved["today"] == "2026-12-09" and moved["today"] > made["invoiceDueDate"]
    assert tx.get(api.url("/v2/currency/1")).status_code == 401
    exact = api.control("POST", "clock", {"set": "2026-12-24T23:30:00+00:00"})
    assert exact["today"] == "2026-12-25"  # Oslo is an hour ahead
    assert api.control("POST", "clock", {"set": "2026-12-24"}, status=400)["error"]


def test_faults_are_set_shown_and_cleared(api):
    tx = api.login()
    shown = api.control("POST", "faults", {"server_errors": 1, "path_prefix": "/v2/currency"})
    assert shown["faults"] == {"server_errors": 1, "path_prefix": "/v2/currency"}
    failed = tx.get(api.url("/v2/currency/1"))
    assert (failed.status_code, failed.json()["code"]) == (500, 1000)
    assert tx.get(api.url("/v2/currency/1")).status_code == 200  # only the next one
    api.control("POST", "faults", {"rate_limit_burst": 5})
    assert api.control("DELETE", "faults")["faults"] == {}
    assert tx.get(api.url("/v2/currency/1")).status_code == 200
    assert "unknown" in api.control("POST", "faults", {"server_eror": 1}, status=400)["error"]


def test_the_request_log_counts_calls_per_endpoint(api):
    tx = api.login()
    customer = tx.post(api.url("/v2/customer"), json={"name": "Logg AS"}).json()["value"]
    for _ in range(2):
        tx.get(api.url(f"/v2/customer/{customer['id']}"))
    tx.get(api.url("/v2/token/session/%3EwhoAmI"))
    log = api.control("GET", "requests")
    assert log["counts"] == {
        "POST /v2/token/session/:create": 1,
        "POST /v2/customer": 1,
        "GET /v2/customer/{obj_id}": 2,
        "GET /v2/token/session/>whoAmI": 1,
    }
    last = log["requests"][-1]
    assert (last["method"], last["path"], last["status"]) == (
        "GET",
        "/v2/token/session/>whoAmI",
        200,
    )
    assert last["companyId"] == tx.company["id"] and last["requestId"]
    assert api.control("DELETE", "requests")["counts"] == {}


def test_settings_tune_limits_and_refuse_unknown_keys(api):
    tuned = api.control("POST", "settings", {"rate_limit": 7, "environment": "test"})
    assert (tuned["rate_limit"], tuned["environment"]) == (7, "test")
    company = api.company()
    response = requests.post(
        api.url("/v2/token/session/:create"),
        json={
            "consumerToken": CONSUMER,
            "employeeToken": api.token(company),
            "expirationDate": "2026-11-26",
        },
    )
    assert response.headers["X-Rate-Limit-Limit"] == "7"
    assert response.json()["value"]["token"].startswith("test-")
    assert api.control("POST", "settings", {"rate_limt": 1}, status=400)["error"]
    assert api.control("POST", "settings", {"environment": "staging"}, status=400)["error"]


def test_reset_forgets_everything_or_seeds_the_demo_again(api):
    tx = api.login()
    api.control("POST", "faults", {"latency_ms": 1})
    assert api.control("POST", "reset", {}) == {"companies": 0}
    assert tx.get(api.url("/v2/currency/1")).status_code == 401  # sessions are gone too
    assert api.control("GET", "faults")["faults"] == {}
    assert list(api.control("GET", "requests")["counts"]) == ["GET /v2/currency/{obj_id}"]
    assert api.control("POST", "reset", {"demo": True})["companies"] == 3


def _world(api) -> dict:
    """Everything the control API shows, to compare before and after a refused request."""
    return {
        path: api.control("GET", path)
        for path in (
            "companies",
            "invoices",
            "clock",
            "faults",
            "settings",
            "webhooks",
            "rates",
            "peppol",
        )
    }


# (method, path, body, the field the refusal names); {company} and {invoice} are filled in.
MALFORMED = [
    ("POST", "companies", {"name": 5}, "name"),
    ("POST", "companies", {"name": ""}, "name"),
    ("POST", "companies", {"nmae": "Typo AS"}, "nmae"),
    ("POST", "companies", {"organizationNumber": "12345"}, "organizationNumber"),
    ("POST", "companies", {"organizationNumber": 923609016}, "organizationNumber"),
    ("POST", "companies", {"bankAccountNumber": "1503 12 34566"}, "bankAccountNumber"),
    ("POST", "companies", {"tokens": "x"}, "tokens"),
    ("POST", "companies", {"tokens": ["working"]}, "tokens"),
    ("POST", "companies", {"tokens": {"working": 5}}, "tokens.working"),
    ("POST", "companies", {"tokens": {"working": "taken-token"}}, "tokens"),
    ("POST", "companies", {"tokens": {"a": "same", "b": "same"}}, "tokens"),
    ("POST", "companies", {"tokens": {"accountant": "acc"}}, "tokens.accountant"),
    ("POST", "companies", {"withAccountant": "yes"}, "withAccountant"),
    ("POST", "companies", {"vatRegistered": "no"}, "vatRegistered"),
    ("POST", "rates", {"rates": "EUR"}, "rates"),
    ("POST", "rates", {"rate": {}}, "rate"),
    ("POST", "rates", {"rates": {"GBP": {"2026-11-24": 13.4}}}, "rates.GBP"),
    ("POST", "rates", {"rates": {"NOK": {"2026-11-24": 1}}}, "rates.NOK"),
    ("POST", "rates", {"rates": {"EUR": {"24.11.2026": 11.7}}}, "rates.EUR key"),
    ("POST", "rates", {"rates": {"EUR": {"2026-11-24": -1}}}, "rates.EUR.2026-11-24"),
    ("POST", "rates", {"rates": {"EUR": {"2026-11-24": "11,7"}}}, "rates.EUR.2026-11-24"),
    ("POST", "peppol", {"organizationNumbers": "923609016"}, "organizationNumbers"),
    ("POST", "peppol", {"organizationNumbers": ["923 609 016"]}, "organizationNumbers[0]"),
    ("POST", "peppol", {"organisationNumbers": []}, "organisationNumbers"),
    ("POST", "tokens/{token}/revoke", {"now": True}, "now"),
    ("POST", "companies/{company}/tokens", {"label": 5}, "label"),
    ("POST", "companies/{company}/tokens", {"token": "taken-token"}, "token"),
    ("POST", "companies/{company}/tokens", {"entitlements": "customer"}, "entitlements"),
    ("POST", "companies/{company}/tokens", {"entitlements": ["customer", 5]}, "entitlements[1]"),
    ("POST", "companies/{company}/tokens", {"entitlements": ["custmer"]}, "entitlements"),
    ("POST", "invoices/{invoice}/pay", {"amount": "250"}, "amount"),
    ("POST", "invoices/{invoice}/pay", {"amount": -250}, "amount"),
    ("POST", "invoices/{invoice}/pay", {"amount": 1e300}, "amount"),
    ("POST", "invoices/{invoice}/pay", {"date": "24.11.2026"}, "date"),
    ("POST", "invoices/{invoice}/pay", {"paymentTypeId": "bank"}, "paymentTypeId"),
    ("POST", "invoices/{invoice}/pay", {"paymentTypeId": 1}, "paymentTypeId"),
    ("POST", "invoices/{invoice}/credit", {"comment": ["Retur"]}, "comment"),
    ("POST", "invoices/{invoice}/credit", {"date": 20261124}, "date"),
    ("POST", "clock", {"advanceDays": "x"}, "advanceDays"),
    ("POST", "clock", {"advanceSeconds": -60}, "advanceSeconds"),
    ("POST", "clock", {"advanceDays": 1e9}, "advanceDays"),
    ("POST", "clock", {"set": "2026-12-24"}, "set"),
    ("POST", "clock", {"set": "9999-12-31T23:59:59+00:00"}, "set"),
    ("POST", "clock", {"set": "2026-12-24T10:00:00+00:00", "advanceDays": "x"}, "advanceDays"),
    ("POST", "faults", {"server_errors": "many"}, "server_errors"),
    ("POST", "faults", {"rate_limit_burst": -1}, "rate_limit_burst"),
    ("POST", "faults", {"server_error_rate": 2}, "server_error_rate"),
    ("POST", "faults", {"latency_ms": True}, "latency_ms"),
    ("POST", "faults", {"path_prefix": "v2/customer"}, "path_prefix"),
    ("POST", "faults", {"write_conflicts": -1}, "write_conflicts"),
    ("POST", "faults", {"conflict_code": 9000}, "conflict_code"),
    ("POST", "faults", {"server_errors": 1, "server_eror": 1}, "server_eror"),
    ("DELETE", "faults", {"everything": True}, "everything"),
    ("POST", "settings", {"rate_limit": "7"}, "rate_limit"),
    ("POST", "settings", {"rate_limit": 0}, "rate_limit"),
    ("POST", "settings", {"rate_window": 10**30}, "rate_window"),
    ("POST", "settings", {"omit_reset_on_429": "true"}, "omit_reset_on_429"),
    ("POST", "settings", {"webhook_retry_delays": 5}, "webhook_retry_delays"),
    ("POST", "settings", {"webhook_retry_delays": [1, "5"]}, "webhook_retry_delays[1]"),
    ("POST", "settings", {"charge_before_send_failure": "yes"}, "charge_before_send_failure"),
    ("POST", "settings", {"webhook_delivery_delay": -1}, "webhook_delivery_delay"),
    ("POST", "settings", {"subscription_propagation": "3"}, "subscription_propagation"),
    ("POST", "settings", {"rate_limit": 7, "rate_limt": 1}, "rate_limt"),
    ("DELETE", "requests", {"keep": 1}, "keep"),
    ("POST", "reset", {"demo": "yes"}, "demo"),
    ("GET", "invoices?companyId=abc", None, "companyId"),
]


@pytest.mark.parametrize(
    "method, path, body, field", MALFORMED, ids=[f"{m} {p} {f}" for m, p, _, f in MALFORMED]
)
def test_malformed_control_input_is_refused_naming_the_field_and_changes_nothing(
    api, method, path, body, field
):
    tx = api.login(api.company(name="Før AS", tokens={"working": "taken-token"}))
    path = path.format(
        company=tx.company["id"], invoice=invoiced(tx)["id"], token=tx.company["tokens"][0]["id"]
    )
    before = _world(api)
    refused = api.control(method, path, body, status=400)
    assert list(refused) == ["error"] and refused["error"].startswith(f"{field}: "), refused
    assert _world(api) == before


BODY_TAKERS = [
    "companies",
    "rates",
    "peppol",
    "tokens/{token}/revoke",
    "companies/{company}/tokens",
    "invoices/{invoice}/pay",
    "invoices/{invoice}/credit",
    "clock",
    "faults",
    "settings",
    "reset",
]


@pytest.mark.parametrize("path", BODY_TAKERS)
@pytest.mark.parametrize(
    "data, content_type",
    [
        ("[]", "application/json"),
        ('"x"', "application/json"),
        ("5", "application/json"),
        ("null", "application/json"),
        ("{not json", "application/json"),
        ("name=Skjema+AS", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused_and_changes_nothing(
    api, path, data, content_type
):
    tx = api.login()
    path = path.format(
        company=tx.company["id"], invoice=invoiced(tx)["id"], token=tx.company["tokens"][0]["id"]
    )
    before = _world(api)
    refused = api.http.post(
        api.url(f"/_sandbox/{path}"), data=data, headers={"Content-Type": content_type}
    )
    assert refused.status_code == 400
    assert refused.json() == {"error": "body: must be a JSON object, sent as application/json"}
    assert _world(api) == before


def test_paying_an_invoice_with_nothing_outstanding_is_refused(api):
    tx = api.login()
    made = invoiced(tx)
    paid = api.control("POST", f"invoices/{made['id']}/pay")
    refused = api.control("POST", f"invoices/{made['id']}/pay", status=400)
    assert refused == {"error": f"amount: nothing is outstanding on invoice {made['id']}"}
    assert api.control("GET", "invoices")["invoices"][0]["postings"] == paid["postings"]


def test_paying_an_overpaid_invoice_by_default_is_refused_not_paid_back(api):
    tx = api.login()
    made = invoiced(tx)
    over = api.control("POST", f"invoices/{made['id']}/pay", {"amount": made["amount"] + 100})
    refused = api.control("POST", f"invoices/{made['id']}/pay", status=400)
    assert refused == {"error": f"amount: nothing is outstanding on invoice {made['id']}"}
    assert api.control("GET", "invoices")["invoices"][0]["postings"] == over["postings"]


def test_an_accountant_token_can_be_chosen_like_the_others(api):
    firm = api.company(withAccountant=True, tokens={"accountant": "my-accountant-token"})
    assert api.token(firm, "accountant") == "my-accountant-token"


def test_the_body_schemas_name_real_views_and_every_fault_setting():
    assert set(control.BODIES["fault_settings"]) == faults.KNOWN
    assert set(control.BODIES["settings"]) < set(DEFAULT_SETTINGS)
    views = {rule.endpoint for rule in create_app().url_map.iter_rules()}
    assert {f"{control.bp.name}.{name}" for name in control.BODIES} <= views


def test_rates_are_added_shown_and_cleared(api):
    """The rate table the /currency routes and foreign-currency invoices read."""
    shown = api.control("POST", "rates", {"rates": {"EUR": {"2026-11-24": 11.7}}})
    assert shown["rates"] == {"EUR": {"2026-11-24": 11.7}}
    assert (shown["base"]["EUR"], shown["factors"]["SEK"]) == (11.7, 100)
    more = api.control("POST", "rates", {"rates": {"EUR": {"2026-11-23": 11.6}}})
    assert list(more["rates"]["EUR"]) == ["2026-11-23", "2026-11-24"]
    assert api.control("DELETE", "rates")["rates"] == {}


def test_the_peppol_registry_is_added_to_shown_and_emptied(api):
    shown = api.control("POST", "peppol", {"organizationNumbers": ["923609016", "858813999"]})
    assert shown == {"organizationNumbers": ["858813999", "923609016"]}
    assert api.control("DELETE", "peppol") == {"organizationNumbers": []}


def test_revoking_a_token_ends_its_sessions(api):
    company = api.company()
    tx = api.login(company)
    working = next(t for t in company["tokens"] if t["label"] == "working")
    revoked = api.control("POST", f"tokens/{working['id']}/revoke")
    assert (revoked["id"], revoked["label"], revoked["revoked"]) == (working["id"], "working", True)
    assert tx.get(api.url("/v2/currency/1")).status_code == 401
    assert api.control("POST", "tokens/1/revoke", status=404) == {"error": "no such token"}


def test_the_control_payment_of_a_euro_invoice_reaches_the_bank_in_nok(api):
    tx = api.login()
    api.control("POST", "rates", {"rates": {"EUR": {"2026-11-24": 10.0}}})
    buyer = tx.post(tx.u("/v2/customer"), json={"name": "Euro AS", "currency": {"id": 5}})
    made = invoiced(tx, customer={"id": buyer.json()["value"]["id"]})
    paid = api.control("POST", f"invoices/{made['id']}/pay", {"date": "2026-11-25"})
    assert (paid["amountCurrencyOutstanding"], paid["amountOutstanding"]) == (0, 0)
