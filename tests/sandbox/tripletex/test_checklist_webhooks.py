"""Brief §9 item 13 over real HTTP: events, subscriptions, signed deliveries, retries."""

import base64
import hashlib
import hmac
import json

import requests

from .flows import customer


def _subscribe(tx, **body) -> dict:
    response = tx.post(tx.u("/v2/event/subscription"), json=body)
    assert response.status_code == 201, response.text
    return response.json()["value"]


def _posts(httpserver, path: str) -> list:
    return [request for request, _ in httpserver.log if request.path == path]


def test_13_the_event_catalogue_is_public_and_names_each_verb(api):
    events = requests.get(api.url("/v2/event")).json()["value"]
    assert {
        "customer.create",
        "customer.update",
        "customer.delete",
        "contact.create",
        "product.delete",
        "order.update",
        "invoice.charged",
        "closeGroup.create",
    } <= set(events)
    assert not [name for name in events if "*" in name]
    assert events["invoice.charged"]["description"] == "A new invoice has been created and charged"
    tx = api.login()
    example = tx.get(api.url("/v2/event/customer.delete")).json()["value"]
    assert example["examples"][0]["value"] is None
    assert tx.get(api.url("/v2/event/customer.*")).status_code == 404


def test_13_one_event_per_subscription_no_wildcards_and_several_per_event(tx):
    """ "For the endpoints with several verbs you will need to subscribe to each individual
    event" (developer.tripletex.no webhooks); no source limits subscriptions to one per event
    (fidelity-findings A14), so a second one to the same event is made too."""
    hook = "http://127.0.0.1:9/hook"
    wildcard = tx.post(
        tx.u("/v2/event/subscription"), json={"event": "customer.*", "targetUrl": hook}
    ).json()
    assert (wildcard["status"], wildcard["validationMessages"][0]["field"]) == (422, "event")
    first = _subscribe(
        tx,
        event="customer.create",
        targetUrl=hook,
        authHeaderValue="hemmelig",
        hmacSharedSecret="s",
    )
    assert first["status"] == "ACTIVE"
    assert "authHeaderValue" not in first and "hmacSharedSecret" not in first  # write-only
    again = tx.post(
        tx.u("/v2/event/subscription"), json={"event": "customer.create", "targetUrl": hook}
    )
    assert again.status_code == 201 and again.json()["value"]["id"] != first["id"]
    batch = tx.post(
        tx.u("/v2/event/subscription/list"),
        json=[
            {"event": "customer.update", "targetUrl": hook},
            {"event": "customer.delete", "targetUrl": hook},
        ],
    )
    assert batch.status_code == 201
    listed = tx.get(tx.u("/v2/event/subscription")).json()["values"]
    assert sorted(s["event"] for s in listed) == [
        "customer.create",
        "customer.create",
        "customer.delete",
        "customer.update",
    ]
    ids = ",".join(str(s["id"]) for s in batch.json()["values"])
    assert tx.delete(tx.u("/v2/event/subscription/list"), params={"ids": ids}).status_code == 204
    assert len(tx.get(tx.u("/v2/event/subscription")).json()["values"]) == 2


def test_13_a_delivery_carries_auth_header_idempotency_key_and_signature(tx, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    sub = _subscribe(
        tx,
        event="customer.create",
        targetUrl=httpserver.url_for("/hook"),
        fields="id,name",
        authHeaderName="Authorization",
        authHeaderValue="Bearer s3",
        hmacSharedSecret="hemmelig",
    )
    made = customer(tx, name="Hook AS")
    tx.api.deliveries()
    (request,) = _posts(httpserver, "/hook")
    body = request.get_data(as_text=True)
    assert json.loads(body) == {
        "subscriptionId": sub["id"],
        "event": "customer.create",
        "id": made["id"],
        "value": {"id": made["id"], "name": "Hook AS"},
    }
    assert request.headers["Authorization"] == "Bearer s3"
    key = request.headers["idempotency-key"]
    expected = base64.b64encode(
        hmac.new(b"hemmelig", f"{key}&{body}".encode(), hashlib.sha512).digest()
    ).decode()
    assert request.headers["x-request-signature"] == expected


def test_13_basic_auth_in_the_target_url_and_no_signature_without_a_secret(tx, httpserver):
    httpserver.expect_request("/basic", method="POST").respond_with_data("ok")
    target = httpserver.url_for("/basic").replace("http://", "http://hook:pass@")
    _subscribe(tx, event="product.create", targetUrl=target)
    tx.post(tx.u("/v2/product"), json={"name": "Vare"})
    tx.api.deliveries()
    (request,) = _posts(httpserver, "/basic")
    assert (request.authorization.username, request.authorization.password) == ("hook", "pass")
    assert "x-request-signature" not in request.headers and request.headers["idempotency-key"]


def test_13_delete_events_carry_a_null_value(tx, httpserver):
    httpserver.expect_request("/gone", method="POST").respond_with_data("ok")
    sub = _subscribe(tx, event="customer.delete", targetUrl=httpserver.url_for("/gone"))
    made = customer(tx)
    assert tx.delete(tx.u(f"/v2/customer/{made['id']}")).status_code == 204
    tx.api.deliveries()
    (request,) = _posts(httpserver, "/gone")
    assert request.get_json() == {
        "subscriptionId": sub["id"],
        "event": "customer.delete",
        "id": made["id"],
        "value": None,
    }


def test_13_a_failed_delivery_is_retried_after_a_backoff(make_sandbox, httpserver):
    api = make_sandbox(webhook_retry_delays=[1, 5, 30])
    tx = api.login()
    httpserver.expect_oneshot_request("/flaky", method="POST").respond_with_data("no", status=503)
    httpserver.expect_request("/flaky", method="POST").respond_with_data("ok")
    _subscribe(tx, event="customer.create", targetUrl=httpserver.url_for("/flaky"))
    customer(tx)
    (delivery,) = api.deliveries()
    assert [a["status"] for a in delivery["attempts"]] == [503]
    assert delivery["status"] == "RETRYING"
    assert delivery["nextAttemptAt"] == "2026-11-24T10:00:01+00:00"
    api.advance(0.5)
    assert len(api.deliveries()[0]["attempts"]) == 1  # not due yet
    api.advance(0.5)
    (delivery,) = api.deliveries()
    assert [a["status"] for a in delivery["attempts"]] == [503, 200]
    assert delivery["status"] == "DELIVERED"
    keys = {r.headers["idempotency-key"] for r in _posts(httpserver, "/flaky")}
    assert len(keys) == 1  # a retry is the same delivery


def test_13_too_many_failures_disable_the_subscription_until_it_is_put_back(
    make_sandbox, httpserver
):
    api = make_sandbox(webhook_retry_delays=[1, 5, 30], webhook_max_failures=3)
    tx = api.login()
    httpserver.expect_request("/down", method="POST").respond_with_data("no", status=500)
    sub = _subscribe(tx, event="customer.create", targetUrl=httpserver.url_for("/down"))
    customer(tx)
    api.deliveries()
    for step in (1, 5):
        api.advance(step)
        api.deliveries()
    (delivery,) = api.deliveries()
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 500]
    assert delivery["status"] == "FAILED"
    url = tx.u(f"/v2/event/subscription/{sub['id']}")
    disabled = tx.get(url).json()["value"]
    assert disabled["status"] == "DISABLED_TOO_MANY_ERRORS"
    customer(tx, name="Uten varsel AS")
    assert len(api.deliveries()) == 1 and len(_posts(httpserver, "/down")) == 3

    httpserver.clear()
    httpserver.expect_request("/down", method="POST").respond_with_data("ok")
    back = tx.put(url, json={"status": "ACTIVE"}).json()["value"]
    assert back["status"] == "ACTIVE"
    customer(tx, name="Med varsel AS")
    assert api.deliveries()[-1]["status"] == "DELIVERED"
