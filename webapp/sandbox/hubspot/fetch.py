"""Emulate `hubspot.fetch` from an app card or settings page: a signed request to the app."""
from __future__ import annotations

import json
import time
from urllib.parse import urlencode, urlsplit

import requests
from flask import Blueprint, jsonify, request

from .errors import invalid
from .gateway import sandbox
from .signing import decode_uri, v3_headers

bp = Blueprint("hubspot_fetch", __name__)
MAX_BYTES = 1024 * 1024     # request and response payloads are capped at 1 MB [DOC-FETCH]
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def signed_url(url: str, portal_id, user_id, user_email, app_id) -> str:
    """Append the context HubSpot adds to every hubspot.fetch URL (brief §2.4, UNCONFIRMED set)."""
    extra = urlencode({"userId": user_id, "userEmail": user_email, "portalId": portal_id,
                       "appId": app_id})
    return f"{url}{'&' if urlsplit(url).query else '?'}{extra}"


@bp.post("/_sandbox/fetch")
def fetch():
    """Send {method, url, body} to the app as portal/user; return {status, headers, body}."""
    sb = sandbox()
    spec = request.get_json(silent=True) or {}
    method = str(spec.get("method", "GET")).upper()
    if method not in METHODS or not spec.get("url"):
        raise invalid("Give url and a method among " + ", ".join(sorted(METHODS)))
    with sb.state.lock:
        portal = sb.state.portals.get(int(spec.get("portalId") or 0))
        if portal is None:
            raise invalid(f"No portal {spec.get('portalId')}")
        user = portal.user(int(spec["userId"]) if spec.get("userId") else None)
    url = signed_url(spec["url"], portal.id, spec.get("userId") or user["id"],
                     spec.get("userEmail") or user["email"], sb.settings["app_id"])
    body = "" if method == "GET" or spec.get("body") is None else json.dumps(spec["body"])
    if len(body.encode()) > MAX_BYTES:
        raise invalid("hubspot.fetch request bodies are limited to 1 MB")
    timestamp = int(sb.clock.now() * 1000)
    headers = v3_headers(sb.settings["client_secret"], method, decode_uri(url), body, timestamp)
    if body:
        headers["Content-Type"] = "application/json"
    started = time.monotonic()
    try:
        reply = requests.request(method, url, data=body.encode() if body else None,
                                 headers=headers, timeout=float(sb.settings["fetch_timeout"]))
    except requests.Timeout:
        return jsonify({"status": None, "error": "timeout", "url": url}), 504
    except requests.RequestException as exc:
        return jsonify({"status": None, "error": type(exc).__name__, "url": url}), 502
    if len(reply.content) > MAX_BYTES:
        return jsonify({"status": reply.status_code, "error": "response over 1 MB",
                        "url": url}), 502
    try:
        reply_body = reply.json()
    except ValueError:
        reply_body = reply.text
    return jsonify({"status": reply.status_code, "headers": dict(reply.headers),
                    "body": reply_body, "url": url,
                    "elapsedMs": int((time.monotonic() - started) * 1000)})
