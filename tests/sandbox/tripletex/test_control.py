"""The control API at /_sandbox/: companies and tokens, payments, clock, faults, log, reset."""
import requests

from webapp.sandbox import demo_data

from .conftest import CONSUMER
from .flows import invoiced


def test_the_index_lists_the_control_endpoints(api):
    endpoints = api.control("GET", "")["endpoints"]
    assert {"/_sandbox/companies", "/_sandbox/clock", "/_sandbox/faults", "/_sandbox/requests",
            "/_sandbox/reset", "/_sandbox/invoices/<int:invoice_id>/pay"} <= set(endpoints)


def test_a_new_company_lists_a_token_for_each_way_a_token_can_fail(api):
    company = api.company(name="Kontroll AS", organizationNumber="923609016",
                          tokens={"working": "my-working-token"})
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
        assert demo_data.is_valid_org_number(company["organizationNumber"])
    assert all(listed[c]["bankAccountNumber"] for c in clients)
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
    tx = api.login()                                   # session valid until 2026-11-26
    made = invoiced(tx)
    moved = api.control("POST", "clock", {"advanceDays": 15})
    assert moved["today"] == "2026-12-09" and moved["today"] > made["invoiceDueDate"]
    assert tx.get(api.url("/v2/currency/1")).status_code == 401
    exact = api.control("POST", "clock", {"set": "2026-12-24T23:30:00+00:00"})
    assert exact["today"] == "2026-12-25"                              # Oslo is an hour ahead
    assert api.control("POST", "clock", {"set": "2026-12-24"}, status=400)["error"]


def test_faults_are_set_shown_and_cleared(api):
    tx = api.login()
    shown = api.control("POST", "faults", {"server_errors": 1, "path_prefix": "/v2/currency"})
    assert shown["faults"] == {"server_errors": 1, "path_prefix": "/v2/currency"}
    failed = tx.get(api.url("/v2/currency/1"))
    assert (failed.status_code, failed.json()["code"]) == (500, 1000)
    assert tx.get(api.url("/v2/currency/1")).status_code == 200       # only the next one
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
    assert log["counts"] == {"POST /v2/token/session/:create": 1, "POST /v2/customer": 1,
                             "GET /v2/customer/{obj_id}": 2, "GET /v2/token/session/>whoAmI": 1}
    last = log["requests"][-1]
    assert (last["method"], last["path"], last["status"]) == (
        "GET", "/v2/token/session/>whoAmI", 200)
    assert last["companyId"] == tx.company["id"] and last["requestId"]
    assert api.control("DELETE", "requests")["counts"] == {}


def test_settings_tune_limits_and_refuse_unknown_keys(api):
    tuned = api.control("POST", "settings", {"rate_limit": 7, "environment": "test"})
    assert (tuned["rate_limit"], tuned["environment"]) == (7, "test")
    company = api.company()
    response = requests.post(api.url("/v2/token/session/:create"), json={
        "consumerToken": CONSUMER, "employeeToken": api.token(company),
        "expirationDate": "2026-11-26"})
    assert response.headers["X-Rate-Limit-Limit"] == "7"
    assert response.json()["value"]["token"].startswith("test-")
    assert api.control("POST", "settings", {"rate_limt": 1}, status=400)["error"]
    assert api.control("POST", "settings", {"environment": "staging"}, status=400)["error"]


def test_reset_forgets_everything_or_seeds_the_demo_again(api):
    tx = api.login()
    api.control("POST", "faults", {"latency_ms": 1})
    assert api.control("POST", "reset", {}) == {"companies": 0}
    assert tx.get(api.url("/v2/currency/1")).status_code == 401       # sessions are gone too
    assert api.control("GET", "faults")["faults"] == {}
    assert list(api.control("GET", "requests")["counts"]) == ["GET /v2/currency/{obj_id}"]
    assert api.control("POST", "reset", {"demo": True})["companies"] == 3
