"""Event subscriptions as Tripletex keeps them: several per event, bound to the employee token
that made them, `fields` checked when made, and deliveries after a propagation delay (issue
"Sandboxes, round 2", item 6; fidelity-findings A14, C1)."""

import json

from .flows import customer


def _subscribe(tx, httpserver, path="/hook", **body):
    httpserver.expect_request(path, method="POST").respond_with_data("ok")
    response = tx.post(
        tx.u("/v2/event/subscription"),
        json={"event": "customer.create", "targetUrl": httpserver.url_for(path), **body},
    )
    return response


def _received(httpserver, path="/hook") -> list[dict]:
    return [json.loads(r.get_data()) for r, _ in httpserver.log if r.path == path]


def test_two_subscriptions_to_one_event_each_get_the_delivery(tx, httpserver):
    """Nothing limits subscriptions to one per event (fidelity-findings A14): an "ensure
    subscriptions" routine that adds one on every reconnect gets every event twice."""
    first = _subscribe(tx, httpserver, "/a").json()["value"]
    second = _subscribe(tx, httpserver, "/b").json()["value"]
    made = customer(tx)
    tx.api.deliveries()
    assert [e["subscriptionId"] for e in _received(httpserver, "/a")] == [first["id"]]
    assert [(e["subscriptionId"], e["id"]) for e in _received(httpserver, "/b")] == [
        (second["id"], made["id"])
    ]


def test_a_bad_fields_filter_is_refused_when_subscribing_and_later_writes_still_succeed(
    tx, httpserver
):
    """Subscription.fields follows "the same format as in API2" (docs/webhooks/README.md);
    a name the model lacks was accepted, and every later write of that type then answered 500
    after committing (fidelity-findings C1). Now the subscription is refused with 422."""
    refused = _subscribe(tx, httpserver, fields="id,bogusField")
    body = refused.json()
    assert (refused.status_code, body["validationMessages"][0]["field"]) == (422, "fields")
    assert "bogusField" in body["validationMessages"][0]["message"]
    nested = _subscribe(tx, httpserver, fields="id,currency(nope)")
    assert nested.status_code == 422
    assert tx.get(tx.u("/v2/event/subscription")).json()["values"] == []
    sub = _subscribe(tx, httpserver, fields="id,name,currency(code)").json()["value"]
    changed = tx.put(tx.u(f"/v2/event/subscription/{sub['id']}"), json={"fields": "nope"})
    assert changed.status_code == 422
    made = customer(tx, name="Felt AS")
    tx.api.deliveries()
    assert _received(httpserver)[0]["value"] == {
        "id": made["id"],
        "name": "Felt AS",
        "currency": {"code": "NOK"},
    }


def test_subscriptions_belong_to_the_token_and_die_with_it(api, httpserver):
    """POST /event/subscription: "Create a new subscription for current EmployeeToken" (spec).
    Another token of the company neither sees nor changes it (setting subscriptions_per_token),
    and once the token is revoked nothing more is delivered (UNCONFIRMED, fidelity-findings
    A14: "the spec wording points that way")."""
    company = api.company()
    old = api.login(company)
    sub = _subscribe(old, httpserver).json()["value"]
    second = api.control("POST", f"companies/{company['id']}/tokens", {"label": "ny"}, 201)
    new = api.login(dict(company, tokens=[dict(second, label="ny")]), label="ny")
    assert new.get(new.u("/v2/event/subscription")).json()["values"] == []
    assert new.get(new.u(f"/v2/event/subscription/{sub['id']}")).status_code == 404
    assert new.delete(new.u(f"/v2/event/subscription/{sub['id']}")).status_code == 404
    before = customer(new, name="Før AS")  # the old token's subscription still delivers it
    api.deliveries()
    assert [e["id"] for e in _received(httpserver)] == [before["id"]]
    working = next(t for t in company["tokens"] if t["label"] == "working")
    revoked = api.control("POST", f"tokens/{working['id']}/revoke")
    assert revoked["revoked"] is True and second["revoked"] is False
    assert old.get(old.u("/v2/customer")).status_code == 401
    customer(new, name="Etter AS")
    api.deliveries()
    assert len(_received(httpserver)) == 1  # only the event from before the revocation


def test_a_new_subscription_propagates_and_deliveries_arrive_after_a_delay(
    make_sandbox, httpserver
):
    """ "If you set up a subscription, give it a few seconds to propagate to all servers, and
    then sync up all data" (docs/webhooks/README.md): events in those seconds are not delivered
    (subscription_propagation, 3 s by default), and each delivery waits
    webhook_delivery_delay (1 s) after its event."""
    api = make_sandbox(subscription_propagation=3, webhook_delivery_delay=1)
    tx = api.login()
    _subscribe(tx, httpserver)
    customer(tx, name="For tidlig AS")
    api.advance(3)
    late = customer(tx, name="I tide AS")
    assert [d["status"] for d in api.deliveries()] == ["PENDING"]
    assert _received(httpserver) == []
    api.advance(1)
    assert [d["status"] for d in api.deliveries()] == ["DELIVERED"]
    assert [e["id"] for e in _received(httpserver)] == [late["id"]]
