"""Requests HubSpot signs for us (hubspot.fetch from the settings page and app cards).

The signature covers the URL HubSpot called, so it is rebuilt from PUBLIC_BASE_URL rather
than from what a proxy passed on; the raw body is read before anything parses it. Each
signature is acted on once: a copy replayed within its five minutes is refused.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, jsonify, make_response, request

from ..clients.hubspot_signature import MAX_AGE_MS, SignatureInvalid, verify_v3
from .collaborators import collaborators


def public_url() -> str:
    """The full URL HubSpot called, query string included and exactly as sent."""
    query = request.query_string.decode("latin-1")
    return current_app.config["PUBLIC_BASE_URL"] + request.path + (f"?{query}" if query else "")


def _single(name: str) -> str | None:
    # HubSpot appends its context to the URL the extension asked for, so a URL that already
    # carried `portalId=B` arrives signed with both; whichever we read, it is ambiguous.
    values = request.args.getlist(name)
    if len(values) > 1:
        raise SignatureInvalid(f"{name} is given more than once")
    return values[0] if values else None


def _context() -> dict:
    """The portal and user HubSpot added to the query; refuses anything malformed."""
    try:
        portal_id = int(_single("portalId") or "")
        user_id = int(_single("userId")) if _single("userId") else None
    except ValueError:
        raise SignatureInvalid("portalId and userId must be numbers") from None
    app_id = _single("appId")
    if app_id and app_id != str(current_app.config["HUBSPOT_APP_ID"]):
        raise SignatureInvalid("signed for another app")
    return {
        "portal_id": portal_id,
        "user_id": user_id,
        "user_email": (_single("userEmail") or "")[:254] or None,
    }


def signed_by_hubspot(view):
    """Refuse the request unless HubSpot signed it (v3) within the last five minutes, once."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        timestamp = request.headers.get("X-HubSpot-Request-Timestamp")
        signature = request.headers.get("X-HubSpot-Signature-v3")
        try:
            verify_v3(
                current_app.config["HUBSPOT_CLIENT_SECRET"],
                request.method,
                public_url(),
                request.get_data(cache=True),
                timestamp,
                signature,
                now_ms=int(collaborators().clock.time() * 1000),
            )
            g.hubspot = _context()
        except SignatureInvalid as exc:
            current_app.logger.info("refused a request signed for HubSpot: %s", exc.reason)
            return jsonify(
                error="invalid_signature",
                message="This request is not signed by HubSpot: " + exc.reason,
            ), 401
        # Valid until five minutes after its timestamp, however far ahead that was; a second
        # more, as the check's clock and ours round differently.
        expires_at = (int(timestamp) + MAX_AGE_MS) / 1000 + 1
        seen = collaborators().signed_requests
        if not seen.claim(signature, expires_at):
            current_app.logger.warning(
                "refused a replayed HubSpot request for portal %s", g.hubspot["portal_id"]
            )
            return jsonify(
                error="replayed",
                message="This signed request was already used. HubSpot signs each "
                "request anew; send a new one.",
            ), 409
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            seen.release(signature)
            raise
        if response.status_code >= 500:
            seen.release(signature)  # HubSpot will retry it
        return response

    return wrapped
