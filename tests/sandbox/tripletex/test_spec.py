"""Every sandbox response, and every request of the product's client, against the 2.74 spec."""
import json
import re
from datetime import date

import pytest
import requests
from openapi_core.contrib.requests import RequestsOpenAPIResponse

from webapp.clients.tripletex import TripletexClient

from . import openapi_check
from .conftest import CONSUMER


def _exercise(api, http: requests.Session) -> None:
    """Call every /v2 route the sandbox serves, successes and errors alike."""
    u = api.url
    company = api.company(withAccountant=True)
    employee = api.token(company)
    http.put(u("/v2/token/session/:create"), params={
        "consumerToken": CONSUMER, "employeeToken": employee, "expirationDate": "2026-11-30"})
    http.post(u("/v2/token/session/:create"), json={
        "consumerToken": "bad", "employeeToken": employee, "expirationDate": "2026-11-30"})
    token = http.post(u("/v2/token/session/:create"), json={
        "consumerToken": CONSUMER, "employeeToken": employee,
        "expirationDate": "2026-11-30"}).json()["value"]["token"]
    http.auth = ("0", token)
    who = http.get(u("/v2/token/session/>whoAmI"), params={"fields": "*,company(*)"}).json()
    http.get(u(f"/v2/company/{who['value']['companyId']}"))
    http.get(u("/v2/company/>withLoginAccess"))
    for path in ("/v2/currency", "/v2/currency/1", "/v2/ledger/vatType", "/v2/ledger/vatType/3",
                 "/v2/ledger/account?number=1920", "/v2/invoice/paymentType", "/v2/event",
                 "/v2/event/customer.create", "/v2/customer/1"):
        http.get(u(path))
    account = http.get(u("/v2/ledger/account?number=1920")).json()["values"][0]
    http.put(u(f"/v2/ledger/account/{account['id']}"), json={"bankAccountNumber": "15031234566"})
    payment_type = http.get(u("/v2/invoice/paymentType")).json()["values"][0]
    http.get(u(f"/v2/invoice/paymentType/{payment_type['id']}"))
    customer = http.post(u("/v2/customer"), json={
        "name": "Spec AS", "organizationNumber": "923609016",
        "postalAddress": {"addressLine1": "Gata 1", "postalCode": "0150", "city": "Oslo"}}
    ).json()["value"]
    http.post(u("/v2/customer"), json={})
    http.get(u(f"/v2/customer/{customer['id']}"), params={"fields": "*,postalAddress(*)"})
    http.put(u(f"/v2/customer/{customer['id']}"), json={"version": 0, "email": "a@b.no"})
    http.put(u(f"/v2/customer/{customer['id']}"), json={"version": 0, "email": "c@b.no"})
    batch = http.post(u("/v2/customer/list"), json=[{"name": "A"}, {"name": "B"}]).json()
    http.put(u("/v2/customer/list"), json=[{"id": c["id"], "isInactive": True}
                                          for c in batch["values"]])
    http.get(u("/v2/customer"), params={"id": ",".join(str(c["id"]) for c in batch["values"]),
                                        "isInactive": "true", "from": 0, "count": 1})
    http.delete(u(f"/v2/customer/{batch['values'][0]['id']}"))
    contact = http.post(u("/v2/contact"), json={"firstName": "Ola", "lastName": "Nordmann",
                                                "customer": {"id": customer["id"]}}).json()
    http.put(u(f"/v2/contact/{contact['value']['id']}"), json={"email": "ola@b.no"})
    http.post(u("/v2/contact/list"), json=[{"firstName": "Kari", "lastName": "Nordmann"}])
    http.get(u("/v2/contact"), params={"customerId": customer["id"]})
    http.get(u(f"/v2/contact/{contact['value']['id']}"))
    http.get(u(f"/v2/ledger/account/{account['id']}"))
    product = http.post(u("/v2/product"), json={"name": "Vare", "number": "V-1",
                                                "priceExcludingVatCurrency": 100}).json()["value"]
    http.put(u(f"/v2/product/{product['id']}"), json={"priceExcludingVatCurrency": 200})
    more = http.post(u("/v2/product/list"), json=[{"name": "Vare 2", "number": "V-2"}]).json()
    http.put(u("/v2/product/list"), json=[{"id": more["values"][0]["id"], "name": "Vare 2b"}])
    http.get(u("/v2/product"), params={"productNumber": "V-1,V-2"})
    http.get(u(f"/v2/product/{product['id']}"))
    http.delete(u(f"/v2/product/{more['values'][0]['id']}"))
    order = http.post(u("/v2/order"), params={"fields": "*,orderLines(*)"}, json={
        "customer": {"id": customer["id"]}, "orderDate": "2026-11-24",
        "deliveryDate": "2026-11-24",
        "orderLines": [{"product": {"id": product["id"]}, "count": 2}]}).json()["value"]
    http.post(u("/v2/order/list"), json=[{"customer": {"id": customer["id"]},
                                          "orderDate": "2026-11-24", "deliveryDate": "2026-11-24"}])
    line = http.post(u("/v2/order/orderline"), json={
        "order": {"id": order["id"]}, "description": "Ekstra", "count": 1,
        "unitPriceExcludingVatCurrency": 50}).json()["value"]
    http.put(u(f"/v2/order/orderline/{line['id']}"), json={"count": 3})
    http.get(u(f"/v2/order/orderline/{line['id']}"))
    spare = http.post(u("/v2/order/orderline"), json={"order": {"id": order["id"]},
                                                       "count": 1}).json()["value"]
    http.delete(u(f"/v2/order/orderline/{spare['id']}"))
    http.post(u("/v2/order/orderline/list"), json=[{"order": {"id": order["id"]}, "count": 1,
                                                     "unitPriceExcludingVatCurrency": 10}])
    http.put(u(f"/v2/order/{order['id']}"), json={"reference": "PO-1"})
    http.get(u(f"/v2/order/{order['id']}"))
    http.get(u("/v2/order"), params={"orderDateFrom": "2026-11-01", "orderDateTo": "2026-12-01"})
    http.get(u("/v2/order"))
    invoice = http.put(u(f"/v2/order/{order['id']}/:invoice"), params={
        "invoiceDate": "2026-11-24", "sendToCustomer": "false"}).json()["value"]
    http.get(u(f"/v2/invoice/{invoice['id']}"))
    http.get(u("/v2/invoice"), params={"invoiceDateFrom": "2026-11-01",
                                       "invoiceDateTo": "2026-12-01", "customerId": customer["id"]})
    http.put(u(f"/v2/invoice/{invoice['id']}/:payment"), params={
        "paymentDate": "2026-11-25", "paymentTypeId": payment_type["id"], "paidAmount": 100})
    http.get(u(f"/v2/invoice/{invoice['id']}/pdf"))
    http.put(u(f"/v2/invoice/{invoice['id']}/:createCreditNote"), params={"date": "2026-11-26"})
    sub = http.post(u("/v2/event/subscription"), json={
        "event": "order.create", "targetUrl": "http://127.0.0.1:9/hook"}).json()["value"]
    http.put(u(f"/v2/event/subscription/{sub['id']}"), json={"fields": "id"})
    http.get(u(f"/v2/event/subscription/{sub['id']}"))
    http.get(u("/v2/event/subscription"))
    subs = http.post(u("/v2/event/subscription/list"), json=[
        {"event": "product.create", "targetUrl": "http://127.0.0.1:9/hook"}]).json()["values"]
    http.put(u("/v2/event/subscription/list"), json=[{"id": subs[0]["id"], "status": "DISABLED"}])
    http.delete(u("/v2/event/subscription/list"), params={"ids": subs[0]["id"]})
    http.delete(u(f"/v2/event/subscription/{sub['id']}"))
    http.delete(u(f"/v2/order/{order['id']}"))
    http.delete(u(f"/v2/token/session/{token}"))


def test_every_sandbox_response_matches_the_spec(api):
    http = requests.Session()
    recorder = openapi_check.Recorder()
    recorder.attach(http)
    _exercise(api, http)
    failures = []
    for response in recorder.responses:
        try:
            openapi_check.check(response)
        except Exception as exc:   # collect all, then fail with the list
            failures.append(f"{response.request.method} {response.url} "
                            f"{response.status_code}: {str(exc)[:300]}")
    assert not failures, "\n".join(failures)
    # Every served /v2 route was exercised.
    counts = api.http.get(api.url("/_sandbox/requests")).json()["counts"]
    rules = {f"{m} {r.rule}" for r in api.app.url_map.iter_rules() if r.rule.startswith("/v2")
             for m in r.methods - {"HEAD", "OPTIONS"}}
    served = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule) for rule in rules}
    assert served - set(counts) == set()


def test_the_checker_rejects_a_response_that_breaks_the_spec(tx):
    response = tx.get(tx.u("/v2/currency/1"))
    openapi_check.check(response)
    broken = requests.Response()
    broken.status_code, broken.request = 200, response.request
    broken.headers["Content-Type"] = "application/json"
    broken._content = json.dumps({"value": {"id": "not-a-number", "factor": "x"}}).encode()
    with pytest.raises(Exception):
        openapi_check.openapi().validate_response(openapi_check.Request(response.request),
                                                  RequestsOpenAPIResponse(broken))


def test_every_request_of_the_product_client_matches_the_spec(api):
    company = api.company(withAccountant=True)
    http = requests.Session()
    recorder = openapi_check.Recorder()
    recorder.attach(http)
    client = TripletexClient(api.url("/v2"), CONSUMER, api.token(company), session=http,
                             today=lambda: date(2026, 11, 24))
    who = client.who_am_i()
    assert client.company(who["companyId"])["id"] == who["companyId"]
    assert len(client.companies_with_login_access()) == 1
    customer = client.create("/customer", {"name": "Klient AS", "email": "k@k.no"})
    created = client.create_many("/customer", [{"name": "En"}, {"name": "To"}])
    client.update(f"/customer/{customer['id']}", {"version": customer["version"], "phoneNumber": "1"})
    client.update_many("/customer", [{"id": c["id"], "version": c["version"], "description": "x"}
                                     for c in created])
    ids = [customer["id"]] + [c["id"] for c in created]
    assert sorted(c["id"] for c in client.get_many("/customer", ids, fields="id,name")) == ids
    assert len(list(client.list("/customer", page_size=2))) == 3
    client.create("/contact", {"firstName": "Per", "customer": {"id": customer["id"]}})
    list(client.list("/contact", params={"customerId": customer["id"]}))
    product = client.create("/product", {"name": "Ting", "number": "T1",
                                         "priceExcludingVatCurrency": 80})
    client.create_many("/product", [{"name": "Ting 2", "number": "T2"}])
    client.update(f"/product/{product['id']}", {"priceExcludingVatCurrency": 90})
    list(client.get_many("/product", [product["id"]]))
    order = client.create("/order", {"customer": {"id": customer["id"]}, "orderDate": "2026-11-24",
                                     "deliveryDate": "2026-11-24",
                                     "orderLines": [{"product": {"id": product["id"]}, "count": 1}]})
    client.create_many("/order", [{"customer": {"id": customer["id"]}, "orderDate": "2026-11-24",
                                   "deliveryDate": "2026-11-24"}])
    list(client.list("/order", params={"orderDateFrom": "2026-11-24", "orderDateTo": "2026-11-25"}))
    invoice = client.action(f"/order/{order['id']}/:invoice",
                            {"invoiceDate": "2026-11-24", "sendToCustomer": False})
    bank = next(client.list("/invoice/paymentType"))
    paid = client.action(f"/invoice/{invoice['id']}/:payment", {
        "paymentDate": "2026-11-25", "paymentTypeId": bank["id"], "paidAmount": 10})
    assert paid["amountOutstanding"] == invoice["amount"] - 10
    client.action(f"/invoice/{invoice['id']}/:createCreditNote", {"date": "2026-11-26"})
    list(client.list("/invoice", params={"invoiceDateFrom": "2026-11-24",
                                         "invoiceDateTo": "2026-11-27"}))
    client.get(f"/invoice/{invoice['id']}", fields="id,amountOutstanding,isCredited")
    client.delete_session()
    legacy = TripletexClient(api.url("/v2"), CONSUMER, api.token(company), session=http,
                             today=lambda: date(2026, 11, 24))
    legacy.transport.request("PUT", api.url("/v2/token/session/:create"), params={
        "consumerToken": CONSUMER, "employeeToken": api.token(company),
        "expirationDate": "2026-11-26"}, idempotent=True)
    for response in recorder.responses:
        openapi_check.check(response)
    sent = {(r.request.method, openapi_check.Request(r.request).path.split("/v2", 1)[1])
            for r in recorder.responses}
    assert ("GET", "/token/session/>whoAmI") in sent and ("PUT", "/token/session/:create") in sent
