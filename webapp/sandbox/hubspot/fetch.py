"""Emulate `hubspot.fetch` from an app card or settings page: a signed request to the app."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode, urlsplit

import requests
from flask import Blueprint, jsonify, request

from .errors import ApiFailure, invalid
from .gateway import sandbox
from .signing import decode_uri, signature_v1, signature_v2, v3_headers

bp = Blueprint("hubspot_fetch", __name__)
MAX_BYTES = 1024 * 1024  # request and response payloads are capped at 1 MB [DOC-FETCH]
MAX_TIMEOUT_MS = 120_000  # newer docs allow `timeout` up to 120 s; the default is 15 s
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def signed_url(url: str, portal_id, user_id, user_email, app_id) -> str:
    """Append the context HubSpot adds to every hubspot.fetch URL (brief §2.4, UNCONFIRMED set)."""
    extra = urlencode(
        {"userId": user_id, "userEmail": user_email, "portalId": portal_id, "appId": app_id}
    )
    return f"{url}{'&' if urlsplit(url).query else '?'}{extra}"


def _spec() -> tuple[dict, str, float]:
    spec = request.get_json(silent=True) or {}
    method = str(spec.get("method", "GET")).upper()
    if method not in METHODS or not spec.get("url"):
        raise invalid("Give url and a method among " + ", ".join(sorted(METHODS)))
    default_ms = float(sandbox().settings["fetch_timeout"]) * 1000
    timeout_ms = float(spec.get("timeout") or default_ms)
    if not 0 < timeout_ms <= MAX_TIMEOUT_MS:
        raise invalid(f"timeout is in milliseconds, at most {MAX_TIMEOUT_MS}")
    return spec, method, timeout_ms / 1000


@bp.post("/_sandbox/fetch")
def fetch():
    """Send {portalId, userId?, userEmail?, method, url, body?, timeout?} to the app as that user;
    answer {status, headers, body, url, attempts} with the app's reply."""
    sb = sandbox()
    spec, method, timeout = _spec()
    with sb.state.lock:
        portal = sb.state.portals.get(int(spec.get("portalId") or 0))
        if portal is None:
            raise invalid(f"No portal {spec.get('portalId')}")
        user = portal.user(int(spec["userId"]) if spec.get("userId") else None)
    url = signed_url(
        spec["url"],
        portal.id,
        spec.get("userId") or user["id"],
        spec.get("userEmail") or user["email"],
        sb.settings["app_id"],
    )
    body = "" if method == "GET" or spec.get("body") is None else json.dumps(spec["body"])
    if len(body.encode()) > MAX_BYTES:
        raise ApiFailure(
            413, "hubspot.fetch request bodies are limited to 1 MB", "VALIDATION_ERROR"
        )
    attempts, started = [], time.monotonic()
    # HubSpot retries once on a connection failure or a 5xx [DOC-FETCH].
    for _ in range(2):
        prepared = requests.Request(
            method,
            url,
            data=body.encode() if body else None,
            headers={"Content-Type": "application/json"} if body else {},
        ).prepare()
        # Sign the URL exactly as sent, after the twelve escapes HubSpot decodes (brief §3.5).
        prepared.headers.update(
            v3_headers(
                sb.settings["client_secret"],
                method,
                decode_uri(prepared.url),
                body,
                int(sb.clock.now() * 1000),
            )
        )
        try:
            with requests.Session() as session:
                # Honour REQUESTS_CA_BUNDLE, so an app on a self-signed certificate is reachable.
                env = session.merge_environment_settings(prepared.url, {}, None, None, None)
                reply = session.send(prepared, timeout=timeout, **env)
        except requests.Timeout:
            attempts.append("timeout")
            return jsonify(
                {"status": None, "error": "timeout", "url": prepared.url, "attempts": len(attempts)}
            ), 504
        except requests.RequestException as exc:
            attempts.append(type(exc).__name__)
            continue
        attempts.append(reply.status_code)
        if reply.status_code < 500:
            break
    else:
        if not isinstance(attempts[-1], int):
            return jsonify(
                {"status": None, "error": attempts[-1], "url": url, "attempts": len(attempts)}
            ), 502
    if len(reply.content) > MAX_BYTES:
        return jsonify(
            {
                "status": reply.status_code,
                "error": "response over 1 MB",
                "url": prepared.url,
                "attempts": len(attempts),
            }
        ), 502
    try:
        reply_body = reply.json()
    except ValueError:
        reply_body = reply.text
    return jsonify(
        {
            "status": reply.status_code,
            "headers": dict(reply.headers),
            "body": reply_body,
            "url": prepared.url,
            "attempts": len(attempts),
            "elapsedMs": int((time.monotonic() - started) * 1000),
        }
    )


@bp.post("/_sandbox/sign")
def sign():
    """Show the signatures HubSpot would send: {method, url, body?, timestamp?, clientSecret?}.

    Handy for checking a verifier; the secret defaults to the registered app's."""
    spec = request.get_json(silent=True) or {}
    if not spec.get("url"):
        raise invalid("Give url, and method, body (a string) and timestamp (ms) as needed")
    sb = sandbox()
    secret = spec.get("clientSecret") or sb.settings["client_secret"]
    method, url, body = str(spec.get("method", "POST")).upper(), spec["url"], spec.get("body") or ""
    if not isinstance(body, str):
        body = json.dumps(body)
    timestamp = int(spec.get("timestamp") or sb.clock.now() * 1000)
    return jsonify(
        {
            "v3": v3_headers(secret, method, decode_uri(url), body, timestamp),
            "v2": signature_v2(secret, method, url, body),
            "v1": signature_v1(secret, body),
        }
    )
