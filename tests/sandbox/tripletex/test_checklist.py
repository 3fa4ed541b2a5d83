"""One behaviour test per item of the brief's §9 simulator checklist, over real HTTP."""
import base64
import json

import requests

from .conftest import CONSUMER, basic


def test_01_served_under_v2_and_tokens_belong_to_one_environment(make_sandbox):
    first, second = make_sandbox(), make_sandbox()
    session = first.login()
    assert session.get(first.url("/v2/currency/1")).status_code == 200
    assert session.get(first.url("/currency/1")).status_code == 404
    # A session from one environment means nothing in another.
    other = requests.get(second.url("/v2/currency/1"), auth=session.auth)
    assert other.status_code == 401


def test_02_session_create_validates_tokens_dates_and_expires_at_oslo_midnight(api):
    company = api.company()
    good = api.token(company)
    put = requests.put(api.url("/v2/token/session/:create"), params={
        "consumerToken": CONSUMER, "employeeToken": good, "expirationDate": "2026-11-25"})
    assert put.status_code == 200
    value = put.json()["value"]
    assert set(value) == {"id", "version", "url", "consumerToken", "employeeToken",
                          "expirationDate", "token", "encryptionKey"}
    assert value["encryptionKey"] is None and "://" not in value["url"]
    decoded = json.loads(base64.b64decode(value["token"]))
    assert decoded["tokenId"] == value["id"] and len(decoded["token"]) == 36

    def create(consumer, employee, expiration="2026-11-25"):
        return requests.post(api.url("/v2/token/session/:create"), json={
            "consumerToken": consumer, "employeeToken": employee, "expirationDate": expiration})

    assert create(CONSUMER, good).status_code == 201
    bad_consumer = create("wrong", good).json()
    assert (bad_consumer["status"], bad_consumer["code"]) == (422, 18000)
    assert bad_consumer["validationMessages"][0]["field"] == "arg:consumerToken"
    bodies = [create(CONSUMER, token).json() for token in
              ("no-such-token", api.token(company, "revoked"), api.token(company, "other-app"))]
    for body in bodies:
        assert (body["status"], body["code"]) == (422, 18000)
        assert body["validationMessages"][0]["field"] == "arg:employeeToken"
    assert len({b["validationMessages"][0]["message"] for b in bodies}) == 1
    assert create(CONSUMER, good, "2026-11-24").status_code == 422     # today in Oslo

    auth = ("0", value["token"])
    assert requests.get(api.url("/v2/currency/1"), auth=auth).status_code == 200
    # 2026-11-24T23:00Z is 00:00 on the 25th in Oslo: the session dies.
    api.state.clock.advance(13 * 3600 - 1)
    assert requests.get(api.url("/v2/currency/1"), auth=auth).status_code == 200
    api.state.clock.advance(1)
    expired = requests.get(api.url("/v2/currency/1"), auth=auth)
    assert (expired.status_code, expired.json()["code"]) == (401, 3000)

    fresh = api.session(good, "2026-11-30")
    deleted = requests.delete(api.url(f"/v2/token/session/{fresh}"), auth=("0", fresh))
    assert deleted.status_code == 204
    assert requests.get(api.url("/v2/currency/1"), auth=("0", fresh)).status_code == 401


def test_03_basic_auth_companies_accountants_and_entitlements(api):
    company = api.company(withAccountant=True)
    bare = requests.get(api.url("/v2/customer"))
    assert (bare.status_code, bare.json()["code"]) == (401, 3000)
    wrong = requests.get(api.url("/v2/customer"), headers={"Authorization": basic(0, "nope")})
    assert wrong.status_code == 401

    limited = api.login(company, "no-entitlements")
    denied = limited.get(api.url("/v2/customer"))
    assert (denied.status_code, denied.json()["code"]) == (403, 9000)
    assert limited.get(api.url("/v2/token/session/>whoAmI")).status_code == 200

    accountant = api.login(company, "accountant")
    clients = accountant.get(api.url("/v2/company/%3EwithLoginAccess")).json()["values"]
    client_ids = [c["id"] for c in clients]
    assert len(client_ids) == 2
    assert accountant.get(api.url("/v2/token/session/%3EwhoAmI")).status_code == 200
    refused = accountant.get(api.url("/v2/customer"))
    assert (refused.status_code, refused.json()["code"]) == (403, 9000)
    as_client = requests.get(api.url("/v2/customer"), auth=(str(client_ids[0]),
                                                             accountant.auth[1]))
    assert as_client.status_code == 200
    who = requests.get(api.url("/v2/token/session/>whoAmI"),
                       auth=(str(client_ids[1]), accountant.auth[1])).json()["value"]
    assert who["companyId"] == client_ids[1]
    stranger = requests.get(api.url("/v2/customer"), auth=("123", accountant.auth[1]))
    assert stranger.status_code == 403


def test_04_envelopes_errors_and_request_id_on_every_response(tx):
    single = tx.get(tx.u("/v2/currency/1"))
    listing = tx.get(tx.u("/v2/currency"))
    error = tx.get(tx.u("/v2/customer/1"))
    for response in (single, listing, error):
        assert response.headers["x-tlx-request-id"]
    assert set(single.json()) == {"value"}
    assert set(listing.json()) == {"fullResultSize", "from", "count", "versionDigest", "values"}
    body = error.json()
    assert set(body) == {"status", "code", "message", "link", "developerMessage",
                         "validationMessages", "requestId"}
    assert (body["status"], body["code"]) == (404, 6000)
    assert body["requestId"] == error.headers["x-tlx-request-id"]


def test_05_fields_paging_sorting_digest_and_result_cap(make_sandbox):
    api = make_sandbox(result_cap=12)
    tx = api.login()
    created = tx.post(api.url("/v2/customer/list"),
                      json=[{"name": f"Kunde {n:02d}"} for n in range(12)]).json()["values"]
    first = created[0]
    shaped = tx.get(api.url(f"/v2/customer/{first['id']}"),
                    params={"fields": "id,name,currency(code),postalAddress(*)"}).json()["value"]
    assert set(shaped) == {"id", "name", "currency", "postalAddress"}
    assert shaped["currency"] == {"code": "NOK"}
    assert "city" in shaped["postalAddress"]
    stub = tx.get(api.url(f"/v2/customer/{first['id']}")).json()["value"]["currency"]
    assert stub == {"id": 1, "url": f"{api.base.split('://')[1]}/v2/currency/1"}
    bad = tx.get(api.url("/v2/customer"), params={"fields": "id,productNumber"})
    assert bad.status_code == 400

    page = tx.get(api.url("/v2/customer"), params={"from": 0, "count": 5}).json()
    assert (page["count"], page["fullResultSize"]) == (5, 6)
    last = tx.get(api.url("/v2/customer"), params={"from": 10, "count": 5}).json()
    assert (last["count"], last["fullResultSize"]) == (2, 12)
    names = [c["name"] for c in tx.get(api.url("/v2/customer"),
                                       params={"sorting": "-name", "fields": "name"}).json()["values"]]
    assert names == sorted(names, reverse=True)

    digest = tx.get(api.url("/v2/customer"), headers={"If-None-Match": "x"}).json()["versionDigest"]
    assert tx.get(api.url("/v2/customer"), headers={"If-None-Match": digest}).status_code == 304
    tx.post(api.url("/v2/customer"), json={"name": "Kunde 13"})
    capped = tx.get(api.url("/v2/customer"))
    assert (capped.status_code, capped.json()["code"]) == (422, 23000)


def test_06_versions_partial_put_conflicts_and_no_id_on_create(tx):
    created = tx.post(tx.u("/v2/customer"), json={"name": "Versjon AS", "email": "a@b.no"})
    assert created.status_code == 201
    customer = created.json()["value"]
    assert customer["id"] > 10_000_000
    updated = tx.put(tx.u(f"/v2/customer/{customer['id']}"),
                     json={"version": customer["version"], "phoneNumber": "+47 22 00 00 00"})
    value = updated.json()["value"]
    assert value["version"] == customer["version"] + 1
    assert value["email"] == "a@b.no"            # untouched fields stay
    stale = tx.put(tx.u(f"/v2/customer/{customer['id']}"),
                   json={"version": customer["version"], "name": "Gammel"})
    assert (stale.status_code, stale.json()["code"]) == (409, 8000)
    with_id = tx.post(tx.u("/v2/customer"), json={"id": 5, "name": "Ny"}).json()
    assert with_id["status"] == 422
    assert with_id["validationMessages"][0]["message"] == (
        "ID kan ikke settes når man oppretter et objekt.")


def test_07_customer_rules(tx):
    missing = tx.post(tx.u("/v2/customer"), json={"email": "x@y.no"}).json()
    assert missing["validationMessages"][0] == {"field": "name", "message": "Feltet må fylles ut.",
                                                "path": "name", "rootId": None}
    first = tx.post(tx.u("/v2/customer"), json={"name": "Første AS"}).json()["value"]
    second = tx.post(tx.u("/v2/customer"), json={"name": "Andre AS", "isInactive": True}).json()["value"]
    assert first["customerNumber"] == 10001 and first["displayName"] == "Første AS (10001)"
    assert first["physicalAddress"] is not None and first["deliveryAddress"] is None
    assert first["email"] == "" and first["accountManager"] is None
    listed = lambda **p: [c["id"] for c in tx.get(tx.u("/v2/customer"), params=p).json()["values"]]
    assert listed() == [first["id"]]
    assert listed(isInactive="true") == [second["id"]]
    assert listed(isInactive="") == [first["id"], second["id"]]
    assert listed(id=f"{first['id']},{second['id']}", isInactive="") == [first["id"], second["id"]]
    tx.api.state.clock.advance(60)
    tx.put(tx.u(f"/v2/customer/{first['id']}"), json={"description": "endret"})
    assert listed(changedSince="2026-11-24T10:00:30Z") == [first["id"]]


def test_08_orders_lines_vat_and_required_date_range(tx):
    customer = tx.post(tx.u("/v2/customer"), json={"name": "Ordre AS"}).json()["value"]
    missing = tx.post(tx.u("/v2/order"), json={"orderDate": "2026-11-24"}).json()
    assert {m["field"] for m in missing["validationMessages"]} == {"customer", "deliveryDate"}
    order = tx.post(tx.u("/v2/order?fields=*,orderLines(*)"), json={
        "customer": {"id": customer["id"]}, "orderDate": "2026-11-24",
        "deliveryDate": "2026-11-24", "orderLines": [
            {"description": "Rådgivning", "count": 2, "unitPriceExcludingVatCurrency": 1000,
             "vatType": {"id": 3}},
            {"description": "Bok", "count": 1, "unitPriceExcludingVatCurrency": 100,
             "vatType": {"id": 33}, "discount": 10}]}).json()["value"]
    assert isinstance(order["number"], str)
    first, second = order["orderLines"]
    assert (first["amountExcludingVatCurrency"], first["amountIncludingVatCurrency"]) == (2000, 2500)
    assert first["unitPriceIncludingVatCurrency"] == 1250
    assert (second["amountExcludingVatCurrency"], second["amountIncludingVatCurrency"]) == (90, 100.8)
    incl = tx.post(tx.u("/v2/order?fields=*,orderLines(*)"), json={
        "customer": {"id": customer["id"]}, "orderDate": "2026-11-24",
        "deliveryDate": "2026-11-24", "isPrioritizeAmountsIncludingVat": True,
        "orderLines": [{"count": 1, "unitPriceIncludingVatCurrency": 125,
                        "vatType": {"id": 3}}]}).json()["value"]
    assert incl["orderLines"][0]["amountExcludingVatCurrency"] == 100
    wrong = tx.post(tx.u("/v2/order"), json={
        "customer": {"id": customer["id"]}, "orderDate": "2026-11-24",
        "deliveryDate": "2026-11-24", "isPrioritizeAmountsIncludingVat": True,
        "orderLines": [{"count": 1, "unitPriceExcludingVatCurrency": 100}]})
    assert wrong.status_code == 422
    assert tx.get(tx.u("/v2/order")).status_code == 422
    found = tx.get(tx.u("/v2/order"), params={"orderDateFrom": "2026-11-24",
                                             "orderDateTo": "2026-11-25"}).json()["values"]
    assert [o["id"] for o in found] == [order["id"], incl["id"]]


def _order(tx, lines=True, **extra):
    customer = tx.post(tx.u("/v2/customer"), json={"name": "Faktura AS"}).json()["value"]
    body = {"customer": {"id": customer["id"]}, "orderDate": "2026-11-24",
            "deliveryDate": "2026-11-24", **extra}
    if lines:
        body["orderLines"] = [{"count": 4, "unitPriceExcludingVatCurrency": 250,
                               "vatType": {"id": 3}}]
    return tx.post(tx.u("/v2/order"), json=body).json()["value"]


def _invoice(tx, order, **params):
    params.setdefault("invoiceDate", "2026-11-24")
    params.setdefault("sendToCustomer", "false")
    return tx.put(tx.u(f"/v2/order/{order['id']}/:invoice"), params=params)


def test_09_invoicing_an_order(api):
    broke = api.company(bankAccountNumber="")
    broke_tx = api.login(broke)
    broke_tx.u = api.url
    refused = _invoice(broke_tx, _order(broke_tx)).json()
    assert refused["status"] == 422 and "bankkontonummer" in refused["validationMessages"][0]["message"]

    tx = api.login(api.company())
    tx.u = api.url
    assert _invoice(tx, _order(tx, lines=False)).json()["validationMessages"][0]["message"] == (
        "Fakturaen inneholder ingen ordrelinjer.")
    order = _order(tx)
    assert tx.put(tx.u(f"/v2/order/{order['id']}/:invoice")).status_code == 422
    invoice = _invoice(tx, order).json()["value"]
    assert (invoice["amount"], invoice["amountExcludingVat"]) == (1250, 1000)
    assert invoice["amountOutstanding"] == invoice["amountCurrency"] == 1250
    assert invoice["invoiceDueDate"] == "2026-12-08" and invoice["isCharged"] is True
    line = tx.get(tx.u(f"/v2/order/orderline/{order['orderLines'][0]['id']}")).json()["value"]
    assert line["isCharged"] is True
    # Every line is now charged, so a second invoice has nothing to bill.
    assert _invoice(tx, order).status_code == 422


def test_10_payments_lower_outstanding_and_settle(tx):
    invoice = _invoice(tx, _order(tx)).json()["value"]
    bank = tx.get(tx.u("/v2/invoice/paymentType"),
                  params={"description": "bank"}).json()["values"][0]["id"]
    url = tx.u(f"/v2/invoice/{invoice['id']}/:payment")
    no_type = tx.put(url, params={"paymentDate": "2026-11-25", "paidAmount": 10}).json()
    assert no_type["validationMessages"][0]["field"] == "paymentTypeId"
    part = tx.put(url, params={"paymentDate": "2026-11-25", "paymentTypeId": bank,
                               "paidAmount": 250, "paidAmountCurrency": 250}).json()["value"]
    assert part["amountOutstanding"] == 1000 and part["version"] == invoice["version"] + 1
    assert len(part["postings"]) == 2
    full = tx.put(url, params={"paymentDate": "2026-11-26", "paymentTypeId": bank,
                               "paidAmount": 1000}).json()["value"]
    assert full["amountOutstanding"] == full["amountCurrencyOutstanding"] == 0
    assert not full["isCredited"]


def test_11_credit_notes(tx):
    invoice = _invoice(tx, _order(tx)).json()["value"]
    note = tx.put(tx.u(f"/v2/invoice/{invoice['id']}/:createCreditNote"),
                  params={"date": "2026-11-25", "comment": "Feil", "sendToCustomer": "false"})
    assert note.status_code == 200
    note = note.json()["value"]
    assert note["isCreditNote"] is True and note["creditedInvoice"] == invoice["id"]
    assert note["amount"] == -1250 and note["amountOutstanding"] == 0
    original = tx.get(tx.u(f"/v2/invoice/{invoice['id']}")).json()["value"]
    assert original["isCredited"] is True and original["amountOutstanding"] == 0
    assert tx.put(tx.u(f"/v2/invoice/{invoice['id']}"), json={"comment": "x"}).status_code == 405


def test_12_invoice_search_needs_dates_and_pdf_is_binary(tx):
    invoice = _invoice(tx, _order(tx)).json()["value"]
    assert tx.get(tx.u("/v2/invoice")).status_code == 422
    found = tx.get(tx.u("/v2/invoice"), params={"invoiceDateFrom": "2026-11-24",
                                               "invoiceDateTo": "2026-11-25"}).json()["values"]
    assert [i["id"] for i in found] == [invoice["id"]]
    assert tx.get(tx.u("/v2/invoice"), params={"invoiceDateFrom": "2026-11-25",
                                              "invoiceDateTo": "2026-11-26"}).json()["values"] == []
    pdf = tx.get(tx.u(f"/v2/invoice/{invoice['id']}/pdf"))
    assert pdf.headers["Content-Type"] == "application/octet-stream"
    assert pdf.content.startswith(b"%PDF-1.4") and pdf.content.rstrip().endswith(b"%%EOF")
    xref = int(pdf.content.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf.content[xref:xref + 4] == b"xref"


def test_13_webhook_delivery_signed_with_auth_header(tx, httpserver):
    import hashlib
    import hmac
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    sub = tx.post(tx.u("/v2/event/subscription"), json={
        "event": "customer.create", "targetUrl": httpserver.url_for("/hook"),
        "fields": "id,name", "authHeaderName": "Authorization", "authHeaderValue": "Bearer s3",
        "hmacSharedSecret": "hemmelig"}).json()["value"]
    assert "hmacSharedSecret" not in sub and "authHeaderValue" not in sub
    customer = tx.post(tx.u("/v2/customer"), json={"name": "Hook AS"}).json()["value"]
    assert tx.api.state.webhooks.wait_idle(5)
    request, _ = httpserver.log[0]
    body = request.get_data(as_text=True)
    assert json.loads(body) == {"subscriptionId": sub["id"], "event": "customer.create",
                                "id": customer["id"], "value": {"id": customer["id"],
                                                                "name": "Hook AS"}}
    assert request.headers["Authorization"] == "Bearer s3"
    key = request.headers["idempotency-key"]
    expected = base64.b64encode(hmac.new(b"hemmelig", f"{key}&{body}".encode(),
                                         hashlib.sha512).digest()).decode()
    assert request.headers["x-request-signature"] == expected


def test_14_rate_limit_headers_and_429_for_the_rest_of_the_window(make_sandbox):
    api = make_sandbox(rate_limit=3, rate_window=10)
    tx = api.login()                       # the session :create counts too
    first = tx.get(api.url("/v2/currency/1"))
    assert first.headers["X-Rate-Limit-Limit"] == "3"
    assert first.headers["X-Rate-Limit-Remaining"] == "1"
    assert first.headers["X-Rate-Limit-Reset"] == "10"
    tx.get(api.url("/v2/currency/1"))
    for _ in range(2):
        limited = tx.get(api.url("/v2/currency/1"))
        assert limited.status_code == 429 and limited.headers["X-Rate-Limit-Remaining"] == "0"
    api.state.clock.advance(10)
    assert tx.get(api.url("/v2/currency/1")).status_code == 200

    quiet_api = make_sandbox(rate_limit=1, omit_reset_on_429=True)
    quiet = quiet_api.login()              # spends the only request of the window
    response = quiet.get(quiet_api.url("/v2/currency/1"))
    assert response.status_code == 429 and "X-Rate-Limit-Reset" not in response.headers
    assert response.json()["status"] == 429


def test_15_seed_lookups(api):
    with_bank = api.login(api.company(bankAccountNumber="15031234566"))
    without = api.login(api.company(bankAccountNumber=""))
    currencies = {c["code"]: c["id"] for c in
                  with_bank.get(api.url("/v2/currency")).json()["values"]}
    assert currencies["NOK"] == 1 and {"EUR", "SEK", "DKK", "USD"} <= set(currencies)
    vats = {v["id"]: (v["percentage"], v["name"]) for v in
            with_bank.get(api.url("/v2/ledger/vatType")).json()["values"]}
    assert {k: v[0] for k, v in vats.items()} == {3: 25, 31: 15, 33: 12, 5: 0, 6: 0}
    assert vats[3][1] == "Utgående avgift, høy sats"
    types = with_bank.get(api.url("/v2/invoice/paymentType")).json()["values"]
    assert "Betalt til bank" in [t["description"] for t in types]
    for session, number in ((with_bank, "15031234566"), (without, "")):
        account = session.get(api.url("/v2/ledger/account"),
                               params={"number": 1920}).json()["values"][0]
        assert account["name"] == "Bankinnskudd" and account["bankAccountNumber"] == number


def test_16_messages_are_norwegian(tx):
    body = tx.post(tx.u("/v2/order"), json={}).json()
    assert body["message"] == "Validering feilet."
    assert {m["message"] for m in body["validationMessages"]} == {"Feltet må fylles ut."}
    missing = tx.get(tx.u("/v2/invoice")).json()["validationMessages"]
    assert {m["message"] for m in missing} == {"Kan ikke være null."}
