"""HubSpot's v3 request signature: how HubSpot signs what it sends us, and how we check it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

MAX_AGE_MS = 5 * 60 * 1000

# HubSpot decodes these escapes before signing; everything else stays as sent.
_DECODE = {
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


class SignatureInvalid(Exception):
    """The request did not come from HubSpot, or not recently; `reason` says which check failed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def canonical_uri(uri: str) -> str:
    """Decode the characters HubSpot decodes before signing (either case of hex digits)."""
    out, i = [], 0
    while i < len(uri):
        chunk = uri[i : i + 3].upper()
        if uri[i] == "%" and chunk in _DECODE:
            out.append(_DECODE[chunk])
            i += 3
        else:
            out.append(uri[i])
            i += 1
    return "".join(out)


def sign_v3(secret: str, method: str, uri: str, body: bytes | str, timestamp: str | int) -> str:
    """Return base64(HMAC-SHA256(secret, method + uri + body + timestamp))."""
    raw = body.decode("utf-8") if isinstance(body, bytes) else body
    message = f"{method.upper()}{canonical_uri(uri)}{raw}{timestamp}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_v3(
    secret: str,
    method: str,
    uri: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    now_ms: int | None = None,
) -> None:
    """Raise SignatureInvalid unless the signature matches and the timestamp is within 5 minutes."""
    if not signature or not timestamp:
        raise SignatureInvalid("missing signature headers")
    try:
        sent_ms = int(timestamp)
    except ValueError:
        raise SignatureInvalid("malformed timestamp") from None
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if now_ms - sent_ms > MAX_AGE_MS:
        raise SignatureInvalid("timestamp too old")
    # HubSpot's SDKs accept any future time; a signed request from the future is a replay aid.
    if sent_ms - now_ms > MAX_AGE_MS:
        raise SignatureInvalid("timestamp in the future")
    try:
        expected = sign_v3(secret, method, uri, body, timestamp)
    except UnicodeDecodeError:
        raise SignatureInvalid("body is not UTF-8") from None
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", "replace")):
        raise SignatureInvalid("signature mismatch")
