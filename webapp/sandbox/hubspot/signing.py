"""HubSpot's request signatures (v1, v2, v3), as the sandbox computes them for outgoing calls."""

from __future__ import annotations

import base64
import hashlib
import hmac


def signature_v1(client_secret: str, body: str) -> str:
    """Return hex(SHA-256(secret + body)), the legacy webhook signature."""
    return hashlib.sha256((client_secret + body).encode("utf-8")).hexdigest()


def signature_v2(client_secret: str, method: str, uri: str, body: str) -> str:
    """Return hex(SHA-256(secret + METHOD + URI + body)), used by classic CRM cards."""
    return hashlib.sha256((client_secret + method.upper() + uri + body).encode("utf-8")).hexdigest()


def signature_v3(client_secret: str, method: str, uri: str, body: str, timestamp: int | str) -> str:
    """Return base64(HMAC-SHA256(secret, METHOD + URI + body + timestamp))."""
    message = f"{method.upper()}{uri}{body}{timestamp}".encode("utf-8")
    digest = hmac.new(client_secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def v3_headers(client_secret: str, method: str, uri: str, body: str, timestamp_ms: int) -> dict:
    """Return the v3 headers HubSpot puts on webhooks and hubspot.fetch requests."""
    return {
        "X-HubSpot-Signature-v3": signature_v3(client_secret, method, uri, body, timestamp_ms),
        "X-HubSpot-Request-Timestamp": str(timestamp_ms),
    }


def webhook_headers(client_secret: str, uri: str, body: str, timestamp_ms: int) -> dict:
    """Return every signature header a webhook POST carries (v3 plus the legacy v1 pair)."""
    headers = v3_headers(client_secret, "POST", uri, body, timestamp_ms)
    headers["X-HubSpot-Signature"] = signature_v1(client_secret, body)
    headers["X-HubSpot-Signature-Version"] = "v1"
    return headers


# HubSpot decodes these before hashing a v3 URI (brief §3.5; UNCONFIRMED in a primary page).
_DECODED = {
    "%3A": ":",
    "%2F": "/",
    "%3F": "?",
    "%40": "@",
    "%21": "!",
    "%24": "$",
    "%27": "'",
    "%28": "(",
    "%29": ")",
    "%2A": "*",
    "%2C": ",",
    "%3B": ";",
}


def decode_uri(uri: str) -> str:
    """Decode the twelve escapes HubSpot decodes in a URI before signing; leave the rest."""
    for escaped, plain in _DECODED.items():
        uri = uri.replace(escaped, plain).replace(escaped.lower(), plain)
    return uri
