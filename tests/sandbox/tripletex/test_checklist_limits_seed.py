"""Brief §9 items 14-16 over real HTTP: rate limits, seed lookups, Norwegian messages."""

import requests


def _limits(response) -> tuple:
    return tuple(
        response.headers.get(f"X-Rate-Limit-{name}") for name in ("Limit", "Remaining", "Reset")
    )


def test_14_every_answer_reports_the_default_100_per_10_seconds(api):
    tx = api.login()  # the session :create is call 1
    assert _limits(tx.get(api.url("/v2/currency/1"))) == ("100", "98", "10")
    api.advance(3)
    assert _limits(tx.get(api.url("/v2/customer/1"))) == ("100", "97", "7")  # a 404 too
    assert _limits(requests.get(api.url("/v2/customer")))[0] == "100"  # and a 401


def test_14_a_spent_window_gives_429_until_it_ends(make_sandbox):
    api = make_sandbox(rate_limit=3, rate_window=10, omit_reset_on_429=False)
    company = api.company()
    tx = api.login(company)
    tx.get(api.url("/v2/currency/1"))
    assert _limits(tx.get(api.url("/v2/currency/1"))) == ("3", "0", "10")
    api.advance(9)
    for _ in range(2):
        limited = tx.get(api.url("/v2/currency/1"))
        assert limited.status_code == 429 and _limits(limited) == ("3", "0", "1")
        assert (limited.json()["status"], limited.json()["message"]) == (429, "Too Many Requests")
    # The budget belongs to the employee token: another token of the company is unaffected.
    other = api.control("POST", f"companies/{company['id']}/tokens", {"label": "second"}, 201)
    fresh = requests.get(api.url("/v2/currency/1"), auth=("0", api.session(other["token"])))
    assert fresh.status_code == 200
    api.advance(1)
    assert tx.get(api.url("/v2/currency/1")).status_code == 200


def test_14_the_429_leaves_the_reset_header_off_by_default_like_the_real_api(make_sandbox):
    """ "Tripletex is not returning the 'X-Rate-Limit-Reset' header when issuing an HTTP 429
    response" (https://github.com/Tripletex/tripletex-api2/issues/103, open); the setting
    omit_reset_on_429=false puts it back."""
    api = make_sandbox(rate_limit=1)
    tx = api.login()  # spends the only call of the window
    limited = tx.get(api.url("/v2/currency/1"))
    assert limited.status_code == 429 and "X-Rate-Limit-Reset" not in limited.headers
    assert _limits(limited)[:2] == ("1", "0")
    assert tx.get(api.url("/v2/currency/1")).status_code == 429
    api.advance(10)
    assert _limits(tx.get(api.url("/v2/currency/1"))) == ("1", "0", "10")  # others carry it
    api.control("POST", "settings", {"omit_reset_on_429": False})
    tx.get(api.url("/v2/currency/1"))
    assert _limits(tx.get(api.url("/v2/currency/1"))) == ("1", "0", "10")


def test_15_every_company_has_currencies_vat_types_payment_types_and_a_bank_account(api):
    with_bank = api.login(api.company(bankAccountNumber="15031234566"))
    without = api.login(api.company(bankAccountNumber=""))
    currencies = {
        c["code"]: c["id"] for c in with_bank.get(api.url("/v2/currency")).json()["values"]
    }
    assert currencies["NOK"] == 1 and {"EUR", "SEK", "DKK", "USD"} <= set(currencies)
    vats = {
        v["number"]: v["percentage"]
        for v in with_bank.get(api.url("/v2/ledger/vatType")).json()["values"]
    }
    assert {n: vats[n] for n in ("3", "31", "33", "5", "6")} == {
        "3": 25,
        "31": 15,
        "33": 12,
        "5": 0,
        "6": 0,
    }
    high = with_bank.get(api.url("/v2/ledger/vatType"), params={"number": "3"}).json()["values"]
    assert [v["name"] for v in high] == ["Utgående avgift, høy sats"]
    types = with_bank.get(api.url("/v2/invoice/paymentType")).json()["values"]
    bank_type = next(t for t in types if t["description"] == "Betalt til bank")
    for session, number in ((with_bank, "15031234566"), (without, "")):
        (account,) = session.get(
            api.url("/v2/ledger/account"), params={"isBankAccount": "true"}
        ).json()["values"]
        assert (account["number"], account["name"]) == (1920, "Bankinnskudd")
        assert account["bankAccountNumber"] == number
    (bank_account,) = with_bank.get(api.url("/v2/ledger/account"), params={"number": 1920}).json()[
        "values"
    ]
    assert bank_type["debitAccount"]["id"] == bank_account["id"]


def test_16_messages_are_norwegian_where_the_real_api_is(tx):
    body = tx.post(tx.u("/v2/order"), json={}).json()
    assert body["message"] == "Validering feilet."
    assert {m["message"] for m in body["validationMessages"]} == {"Feltet må fylles ut."}
    missing = tx.get(tx.u("/v2/invoice")).json()["validationMessages"]
    assert {m["message"] for m in missing} == {"Kan ikke være null."}
    with_id = tx.post(tx.u("/v2/customer"), json={"id": 1, "name": "X"}).json()
    assert with_id["validationMessages"][0]["message"] == (
        "ID kan ikke settes når man oppretter et objekt."
    )
