"""hubspot.fetch emulation: what the app's backend receives from a card or settings page."""

import requests

from webapp.clients.hubspot_signature import verify_v3

from .conftest import CLIENT_SECRET, DEMO


def _fetch(base, **spec):
    return requests.post(f"{base}/_sandbox/fetch", json={"portalId": DEMO, **spec})


def _verify(call, clock):
    """Check a received request with the product's own v3 checker, as the app would."""
    headers = call["headers"]
    verify_v3(
        CLIENT_SECRET,
        call["method"],
        call["wire_url"],
        call["body"].encode(),
        headers["X-Hubspot-Request-Timestamp"],
        headers["X-Hubspot-Signature-V3"],
        now_ms=int(clock.now() * 1000),
    )


def test_fetch_sends_a_v3_signed_request_with_context_in_the_query(base, receiver, clock):
    reply = _fetch(
        base,
        userId=7000001,
        userEmail="kari.admin@nordisk-demo.no",
        method="POST",
        url=f"{receiver.url}/card?objectId=42",
        body={"a": 1},
    )
    assert reply.status_code == 200
    result = reply.json()
    seen = result["body"]
    assert result["status"] == 200 and result["attempts"] == 1
    assert seen["args"] == {
        "objectId": "42",
        "userId": "7000001",
        "portalId": str(DEMO),
        "userEmail": "kari.admin@nordisk-demo.no",
        "appId": "1000001",
    }
    assert seen["body"] == '{"a": 1}' and seen["headers"]["Content-Type"] == "application/json"
    _verify(receiver.calls[0], clock)


def test_fetch_signs_the_url_as_sent_even_with_escapes_and_non_ascii(base, receiver, clock):
    reply = _fetch(
        base, method="GET", url=f"{receiver.url}/card?name=Bl%C3%A5b%C3%A6r AS&tid=a:b&liste=1,2"
    )
    assert reply.json()["status"] == 200
    args = reply.json()["body"]["args"]
    assert args["name"] == "Blåbær AS" and args["tid"] == "a:b" and args["liste"] == "1,2"
    assert args["userEmail"] == "kari.admin@nordisk-demo.no"  # the portal's super admin
    call = receiver.calls[0]
    assert (
        "Bl%C3%A5b%C3%A6r%20AS" in call["wire_url"]
        and "userEmail=kari.admin%40" in call["wire_url"]
    )
    _verify(call, clock)


def test_fetch_retries_once_on_a_5xx_and_then_passes_the_answer_on(base, receiver):
    receiver.replies = [503]
    once = _fetch(base, method="GET", url=f"{receiver.url}/card").json()
    assert (once["status"], once["attempts"], len(receiver.calls)) == (200, 2, 2)
    receiver.replies = [502, 500]
    twice = _fetch(base, method="GET", url=f"{receiver.url}/card").json()
    assert (twice["status"], twice["attempts"]) == (500, 2)


def test_fetch_retries_once_on_a_connection_failure_then_reports_it(base):
    reply = _fetch(base, method="GET", url="http://127.0.0.1:9/card")
    assert reply.status_code == 502
    assert reply.json()["status"] is None and reply.json()["attempts"] == 2


def test_fetch_gives_up_when_the_app_is_slower_than_the_timeout(base, receiver):
    receiver.release.clear()
    reply = _fetch(base, method="GET", url=f"{receiver.url}/card", timeout=200)  # milliseconds
    assert reply.status_code == 504 and reply.json()["error"] == "timeout"
    assert (
        _fetch(base, method="GET", url=f"{receiver.url}/card", timeout=120_001).status_code == 400
    )


def test_fetch_caps_request_and_response_payloads_at_one_megabyte(base, receiver):
    too_big = _fetch(base, method="POST", url=f"{receiver.url}/card", body={"x": "y" * 1024 * 1024})
    assert too_big.status_code == 413 and receiver.calls == []
    big_reply = _fetch(base, method="GET", url=f"{receiver.url}/big")
    assert big_reply.status_code == 502 and big_reply.json()["error"] == "response over 1 MB"
