"""The ledger behind invoices and payments: postings, open posts and close groups, so the
sandbox's own reference links resolve and the FAQ's way of finding payments works (issue
"Sandboxes, round 2", item 6; fidelity-findings A12, D)."""

import json

from .flows import DAY, bank_payment_type, invoiced

WINDOW = {"dateFrom": "2026-11-01", "dateTo": "2026-12-01"}


def _pay(tx, invoice, amount, day="2026-11-25"):
    response = tx.put(
        tx.u(f"/v2/invoice/{invoice['id']}/:payment"),
        params={"paymentDate": day, "paymentTypeId": bank_payment_type(tx), "paidAmount": amount},
    )
    assert response.status_code == 200, response.text
    return response.json()["value"]


def _follow(tx, url: str) -> dict:
    """GET a reference url ("host/v2/..."), as a client following a stub does."""
    response = tx.get(f"http://{url}")
    assert response.status_code == 200, url
    return response.json()["value"]


def test_every_reference_on_an_invoice_resolves_and_its_voucher_balances(tx):
    """Invoice.postings holds "a posting for the invoice with a positive amount, and one or more
    posting for the payments with negative amounts" (spec); the stubs point at
    /ledger/posting/N and /ledger/voucher/N, which 404'd before (fidelity-findings A12)."""
    made = _pay(tx, invoiced(tx), 250)
    for key in ("customer", "voucher", "currency"):
        assert _follow(tx, made[key]["url"])["id"] == made[key]["id"]
    for key in ("orders", "orderLines", "postings"):
        assert [_follow(tx, ref["url"])["id"] for ref in made[key]] == [r["id"] for r in made[key]]
    first, payment = (_follow(tx, ref["url"]) for ref in made["postings"])
    assert (first["amount"], first["invoiceNumber"], first["type"]) == (
        1250,
        str(made["invoiceNumber"]),
        "OUTGOING_INVOICE_CUSTOMER_POSTING",
    )
    assert (payment["amount"], payment["type"]) == (-250, "INCOMING_PAYMENT")
    voucher = _follow(tx, made["voucher"]["url"])
    lines = [_follow(tx, ref["url"]) for ref in voucher["postings"]]
    assert round(sum(p["amount"] for p in lines), 2) == 0
    accounts = sorted(_follow(tx, p["account"]["url"])["number"] for p in lines)
    assert accounts == [1500, 2700, 3000]


def test_postings_are_found_by_date_customer_account_and_type(tx):
    """GET /ledger/posting needs dateFrom and dateTo ("Format is yyyy-MM-dd", from incl., to
    excl.) and filters on customerId, accountId, type (spec). The FAQ: "get all postings where
    customerId = Invoice.customerId; locally find where invoiceNumber = invoice.number"."""
    made = _pay(tx, invoiced(tx), 250)
    other = invoiced(tx)
    missing = tx.get(tx.u("/v2/ledger/posting")).json()
    assert {m["field"] for m in missing["validationMessages"]} == {"dateFrom", "dateTo"}

    def find(**params):
        found = tx.get(tx.u("/v2/ledger/posting"), params=dict(WINDOW, **params)).json()
        return found["values"]

    mine = find(customerId=made["customer"]["id"])
    assert sorted(p["id"] for p in mine) == sorted(p["id"] for p in made["postings"])
    assert {p["invoiceNumber"] for p in mine} == {str(made["invoiceNumber"])}
    assert find(customerId=other["customer"]["id"], dateFrom="2026-11-25") == []
    paid = find(type="INCOMING_PAYMENT")
    assert [(p["amount"], p["customer"]["id"]) for p in paid] == [(-250, made["customer"]["id"])]
    bank = tx.get(tx.u("/v2/ledger/account"), params={"number": 1920}).json()["values"][0]
    assert [p["amount"] for p in find(accountId=bank["id"])] == [250]
    assert len(find(accountNumberFrom=3000, accountNumberTo=4000)) == 2  # two revenue lines


def test_open_posts_and_close_groups_tell_what_is_paid(tx, httpserver):
    """openPost gives the open items as of a date ("to and excl.", spec); a settled invoice's
    postings share a close group: "if any has closegroupId, then everything is paid or credited
    in full" (FAQ.md), and closeGroup.create carries them (changelog 2.75.03)."""
    httpserver.expect_request("/closed", method="POST").respond_with_data("ok")
    tx.post(
        tx.u("/v2/event/subscription"),
        json={"event": "closeGroup.create", "targetUrl": httpserver.url_for("/closed")},
    )
    made = invoiced(tx)
    _pay(tx, made, 250)
    settled = _pay(tx, made, 1000, day="2026-11-26")

    def open_on(day):
        params = {"date": day, "customerId": made["customer"]["id"]}
        return sorted(
            p["amount"]
            for p in tx.get(tx.u("/v2/ledger/posting/openPost"), params=params).json()["values"]
        )

    assert open_on(DAY) == []  # "to and excluding": nothing dated before the 24th
    assert open_on("2026-11-26") == [-250, 1250]
    assert open_on("2026-11-27") == []
    groups = tx.get(tx.u("/v2/ledger/closeGroup"), params=WINDOW).json()["values"]
    (group,) = groups
    assert sorted(r["id"] for r in group["postings"]) == sorted(
        r["id"] for r in settled["postings"]
    )
    assert group["date"] == "2026-11-26"
    assert {_follow(tx, r["url"])["closeGroup"]["id"] for r in settled["postings"]} == {group["id"]}
    tx.api.deliveries()
    (event,) = [json.loads(r.get_data()) for r, _ in httpserver.log]
    assert (event["event"], event["id"]) == ("closeGroup.create", group["id"])
    assert tx.get(tx.u("/v2/ledger/closeGroup")).status_code == 422  # dateFrom, dateTo needed


def test_a_reversed_payment_deletes_the_close_group_and_fires_close_group_delete(tx, httpserver):
    """A negative paidAmount reverses a payment (tripletex-api2 issue #43); closeGroup.delete
    "Fired when a closeGroup is deleted (postings reopened). Payload contains only the
    closeGroup id (value is null)" (changelog 2.75.03)."""
    httpserver.expect_request("/reopened", method="POST").respond_with_data("ok")
    sub = tx.post(
        tx.u("/v2/event/subscription"),
        json={"event": "closeGroup.delete", "targetUrl": httpserver.url_for("/reopened")},
    ).json()["value"]
    made = invoiced(tx)
    settled = _pay(tx, made, 1250)
    group_id = _follow(tx, settled["postings"][0]["url"])["closeGroup"]["id"]
    reopened = _pay(tx, made, -1250, day="2026-11-26")
    assert reopened["amountOutstanding"] == 1250 and len(reopened["postings"]) == 3
    assert tx.get(tx.u(f"/v2/ledger/closeGroup/{group_id}")).status_code == 404
    assert {_follow(tx, r["url"])["closeGroup"] is None for r in reopened["postings"]} == {True}
    tx.api.deliveries()
    (event,) = [json.loads(r.get_data()) for r, _ in httpserver.log]
    assert event == {
        "subscriptionId": sub["id"],
        "event": "closeGroup.delete",
        "id": group_id,
        "value": None,
    }
