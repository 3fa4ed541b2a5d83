"""Brief §9 items 1-4 over real HTTP: hosts and environments, sessions, Basic auth, envelopes."""

import base64
import json

import requests

from .conftest import CONSUMER, basic


def _create(api, employee, expiration="2026-11-25", consumer=CONSUMER):
    return requests.post(
        api.url("/v2/token/session/:create"),
        json={"consumerToken": consumer, "employeeToken": employee, "expirationDate": expiration},
    )


def test_01_served_under_v2_on_any_host_with_tokens_tied_to_one_environment(make_sandbox):
    production, test_env = make_sandbox(), make_sandbox(environment="test")
    session = production.login()
    assert session.get(production.url("/v2/currency/1")).status_code == 200
    assert session.get(production.url("/currency/1")).status_code == 404
    # The host the client called is the host in every reference url, without a scheme.
    for host in ("tripletex.no", "api-test.tripletex.tech"):
        value = session.get(production.url("/v2/currency/1"), headers={"Host": host}).json()
        assert value["value"]["url"] == f"{host}/v2/currency/1"

    company = test_env.company()
    assert all(t["token"].startswith("test-") for t in company["tokens"])
    test_session = test_env.login(company)
    assert test_session.auth[1].startswith("test-")
    assert test_session.get(test_env.url("/v2/currency/1")).status_code == 200
    assert not session.auth[1].startswith("test-")
    # Neither the session nor the employee token of one environment works in the other.
    foreign = requests.get(test_env.url("/v2/currency/1"), auth=session.auth)
    assert (foreign.status_code, foreign.json()["code"]) == (401, 3000)
    refused = _create(test_env, production.token(session.company)).json()
    assert refused["validationMessages"][0]["field"] == "arg:employeeToken"


def test_02_session_create_answers_the_documented_shape_with_put_and_post(api):
    company = api.company()
    put = requests.put(
        api.url("/v2/token/session/:create"),
        params={
            "consumerToken": CONSUMER,
            "employeeToken": api.token(company),
            "expirationDate": "2026-11-25",
        },
    )
    assert put.status_code == 200
    value = put.json()["value"]
    assert set(value) == {
        "id",
        "version",
        "url",
        "consumerToken",
        "employeeToken",
        "expirationDate",
        "token",
        "encryptionKey",
    }
    assert value["encryptionKey"] is None and value["expirationDate"] == "2026-11-25"
    for ref in (value, value["consumerToken"], value["employeeToken"]):
        assert ref["url"].startswith(f"{api.host}/v2/token/")
    decoded = json.loads(base64.b64decode(value["token"]))
    assert decoded["tokenId"] == value["id"] and len(decoded["token"]) == 36
    post = _create(api, api.token(company))
    assert post.status_code == 201 and post.json()["value"]["token"] != value["token"]
    missing = requests.put(api.url("/v2/token/session/:create")).json()
    assert {m["field"] for m in missing["validationMessages"]} == {
        "consumerToken",
        "employeeToken",
        "expirationDate",
    }


def test_02_bad_consumer_and_employee_tokens_are_refused_as_documented(api):
    company = api.company()
    bad_consumer = _create(api, api.token(company), consumer="wrong").json()
    assert (bad_consumer["status"], bad_consumer["code"], bad_consumer["message"]) == (
        422,
        18000,
        "Validering feilet.",
    )
    assert bad_consumer["validationMessages"][0] == {
        "field": "arg:consumerToken",
        "message": "The consumer token is invalid or does not exist.",
        "path": "arg:consumerToken",
        "rootId": None,
    }
    bodies = [
        _create(api, token).json()
        for token in (
            "no-such-token",
            api.token(company, "revoked"),
            api.token(company, "other-app"),
        )
    ]
    for body in bodies:
        assert (body["status"], body["code"]) == (422, 18000)
        assert body["validationMessages"][0]["field"] == "arg:employeeToken"
    # Unknown, revoked and made-for-another-application look the same to the caller.
    assert len({json.dumps(b["validationMessages"]) for b in bodies}) == 1


def test_02_expiration_is_an_oslo_date_and_the_session_dies_at_its_midnight(api):
    token = api.token(api.company())
    today = _create(api, token, "2026-11-24").json()
    assert today["validationMessages"][0]["field"] == "arg:expirationDate"
    auth = ("0", _create(api, token, "2026-11-25").json()["value"]["token"])
    api.advance(13 * 3600 - 1)  # 23:59:59 in Oslo on the 24th
    assert requests.get(api.url("/v2/currency/1"), auth=auth).status_code == 200
    api.advance(1)  # 00:00 in Oslo on the 25th, still the 24th in UTC
    expired = requests.get(api.url("/v2/currency/1"), auth=auth)
    assert (expired.status_code, expired.json()["code"]) == (401, 3000)
    # It is already the 25th in Oslo, so the 25th is no longer "later than today".
    assert _create(api, token, "2026-11-25").status_code == 422
    assert _create(api, token, "2026-11-26").status_code == 201


def test_02_a_deleted_session_is_dead(api):
    token = api.session(api.token(api.company()), "2026-11-30")
    deleted = requests.delete(api.url(f"/v2/token/session/{token}"), auth=("0", token))
    assert deleted.status_code == 204
    after = requests.get(api.url("/v2/currency/1"), auth=("0", token))
    assert (after.status_code, after.json()["code"]) == (401, 3000)


def test_03_missing_unknown_or_malformed_credentials_give_401_code_3000(api):
    for headers in (
        {},
        {"Authorization": basic(0, "nope")},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Bearer x"},
    ):
        response = requests.get(api.url("/v2/customer"), headers=headers)
        body = response.json()
        assert (response.status_code, body["status"], body["code"]) == (401, 401, 3000)


def test_03_entitlements_a_token_lacks_give_403_code_9000(api):
    company = api.company()
    bare = api.login(company, "no-entitlements")
    denied = bare.get(api.url("/v2/customer")).json()
    assert (denied["status"], denied["code"]) == (403, 9000)
    assert bare.get(api.url("/v2/token/session/>whoAmI")).status_code == 200
    token = api.control(
        "POST",
        f"companies/{company['id']}/tokens",
        {"label": "crm-only", "entitlements": ["customer"]},
        status=201,
    )
    crm = requests.Session()
    crm.auth = ("0", api.session(token["token"]))
    assert crm.get(api.url("/v2/customer")).status_code == 200
    assert crm.get(api.url("/v2/contact")).status_code == 200
    for path in ("/v2/product", "/v2/invoice/paymentType", "/v2/ledger/vatType"):
        assert crm.get(api.url(path)).json()["code"] == 9000


def test_03_accountant_token_reaches_its_clients_through_the_basic_user_name(api):
    company = api.company(withAccountant=True)
    plain = api.login(company)
    own = plain.get(api.url("/v2/company/>withLoginAccess")).json()["values"]
    assert [c["id"] for c in own] == [company["id"]]
    who = plain.get(api.url("/v2/token/session/>whoAmI"), params={"fields": "*,company(*)"})
    assert who.json()["value"]["company"]["organizationNumber"] == company["organizationNumber"]

    accountant = api.login(company, "accountant")
    clients = accountant.get(api.url("/v2/company/%3EwithLoginAccess")).json()["values"]
    client_ids = [c["id"] for c in clients]
    assert len(client_ids) == 2 and company["id"] not in client_ids
    refused = accountant.get(api.url("/v2/customer")).json()
    assert (refused["status"], refused["code"]) == (403, 9000)
    assert refused["message"].startswith("Company owned users(employeeToken) can only access")
    secret = accountant.auth[1]
    as_client = requests.get(api.url("/v2/customer"), auth=(str(client_ids[0]), secret))
    assert as_client.status_code == 200
    who = requests.get(api.url("/v2/token/session/>whoAmI"), auth=(str(client_ids[1]), secret))
    assert who.json()["value"]["companyId"] == client_ids[1]
    assert (
        requests.get(
            api.url(f"/v2/company/{client_ids[1]}"), auth=(str(client_ids[1]), secret)
        ).json()["value"]["id"]
        == client_ids[1]
    )
    for user in (company["id"], api.company()["id"]):  # its own company, and a stranger
        refused = requests.get(api.url("/v2/customer"), auth=(str(user), secret)).json()
        assert (refused["status"], refused["code"]) == (403, 9000)
    elsewhere = plain.get(api.url(f"/v2/company/{client_ids[0]}")).json()
    assert (elsewhere["status"], elsewhere["code"]) == (403, 9000)


def test_04_envelopes_and_the_api_error_body(tx):
    single = tx.get(tx.u("/v2/currency/1")).json()
    listing = tx.get(tx.u("/v2/currency")).json()
    assert set(single) == {"value"}
    assert set(listing) == {"fullResultSize", "from", "count", "versionDigest", "values"}
    assert listing["versionDigest"] == "'If-None-Match' header not specified"
    assert (listing["from"], listing["count"]) == (0, len(listing["values"]))
    error = tx.get(tx.u("/v2/customer/1"))
    body = error.json()
    assert set(body) == {
        "status",
        "code",
        "message",
        "link",
        "developerMessage",
        "validationMessages",
        "requestId",
    }
    assert (body["status"], body["code"], body["validationMessages"]) == (404, 6000, [])
    assert body["link"].startswith("https://tripletex.no/")
    assert body["requestId"] == error.headers["x-tlx-request-id"]


def test_04_every_answer_carries_its_own_request_id(tx):
    created = tx.post(tx.u("/v2/customer"), json={"name": "Id AS"})
    answers = [
        created,
        tx.get(tx.u("/v2/customer")),
        tx.delete(tx.u(f"/v2/customer/{created.json()['value']['id']}")),
        tx.put(tx.u("/v2/invoice/1"), json={}),  # 405: invoices are immutable
        tx.get(tx.u("/v2/no-such-thing")),
        requests.get(tx.u("/v2/customer")),
        tx.get(tx.u("/v2/event")),
    ]
    assert [a.status_code for a in answers] == [201, 200, 204, 405, 404, 401, 200]
    ids = [a.headers["x-tlx-request-id"] for a in answers]
    assert len(set(ids)) == len(ids) and all(len(i) == 36 for i in ids)
