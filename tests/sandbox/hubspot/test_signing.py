"""The signer against HubSpot's published vectors (brief §3.5), directly and over HTTP."""

import requests

from webapp.clients.hubspot_signature import verify_v3
from webapp.sandbox.hubspot.signing import (
    decode_uri,
    signature_v1,
    signature_v2,
    signature_v3,
    webhook_headers,
)

SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
# The Python SDK's v3 vector: the body really is single-quoted (tests/spec/utils/test_signature.py).
VECTOR_URL, VECTOR_BODY, VECTOR_TS = (
    "https://www.example.com/webhook_uri",
    "{'example_field':'example_value'}",
    1693657560000,
)
VECTOR_V3 = "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y="
SDK_FIXTURE = (
    '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,'
    '"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,'
    '"changeSource":"CRM","changeFlag":"NEW","appId":54321}]'
)


def test_v3_matches_hubspots_published_vector():
    assert signature_v3(SECRET, "POST", VECTOR_URL, VECTOR_BODY, VECTOR_TS) == VECTOR_V3


def test_v1_matches_the_node_sdk_vector():
    assert (
        signature_v1(SECRET, SDK_FIXTURE)
        == "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
    )


def test_v2_matches_the_node_sdk_vectors():
    uri = "https://www.example.com/webhook_uri"
    assert (
        signature_v2(SECRET, "GET", uri, "")
        == "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"
    )
    assert (
        signature_v2(SECRET, "POST", uri, '{"example_field":"example_value"}')
        == "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900"
    )


def test_webhook_headers_carry_v3_and_the_legacy_v1_pair():
    headers = webhook_headers(SECRET, "https://x.test/hook", "[]", 1693657560000)
    assert headers["X-HubSpot-Signature-Version"] == "v1"
    assert headers["X-HubSpot-Signature"] == signature_v1(SECRET, "[]")
    assert headers["X-HubSpot-Signature-v3"] == signature_v3(
        SECRET, "POST", "https://x.test/hook", "[]", 1693657560000
    )
    assert headers["X-HubSpot-Request-Timestamp"] == "1693657560000"


def test_uri_decoding_covers_exactly_the_twelve_documented_escapes():
    assert (
        decode_uri("https://x.test/a?e=a%40b.no&t=%3A%2F%3F%21%24%27%28%29%2A%2C%3B&s=%20")
        == "https://x.test/a?e=a@b.no&t=:/?!$'()*,;&s=%20"
    )


def test_the_sandboxs_signer_reproduces_the_published_v3_vector_over_http(base):
    reply = requests.post(
        f"{base}/_sandbox/sign",
        json={
            "clientSecret": SECRET,
            "method": "POST",
            "url": VECTOR_URL,
            "body": VECTOR_BODY,
            "timestamp": VECTOR_TS,
        },
    )
    assert reply.status_code == 200
    headers = reply.json()["v3"]
    assert headers == {
        "X-HubSpot-Signature-v3": VECTOR_V3,
        "X-HubSpot-Request-Timestamp": str(VECTOR_TS),
    }
    # The product's checker agrees with the vector too.
    verify_v3(
        SECRET,
        "POST",
        VECTOR_URL,
        VECTOR_BODY.encode(),
        str(VECTOR_TS),
        VECTOR_V3,
        now_ms=VECTOR_TS,
    )


def test_the_sandboxs_signer_reproduces_the_v1_and_v2_vectors_over_http(base):
    v1 = requests.post(
        f"{base}/_sandbox/sign",
        json={"clientSecret": SECRET, "url": VECTOR_URL, "body": SDK_FIXTURE},
    ).json()["v1"]
    v2 = requests.post(
        f"{base}/_sandbox/sign", json={"clientSecret": SECRET, "method": "GET", "url": VECTOR_URL}
    ).json()["v2"]
    assert v1 == "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
    assert v2 == "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"
