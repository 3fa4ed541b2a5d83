"""Fixed-window rate limit per employee token, with Tripletex's X-Rate-Limit-* headers."""

from __future__ import annotations

import math

from .errors import TripletexError

TOO_MANY = "Too Many Requests"


def _headers(limit: int, remaining: int, reset: float) -> dict:
    return {
        "X-Rate-Limit-Limit": str(limit),
        "X-Rate-Limit-Remaining": str(remaining),
        "X-Rate-Limit-Reset": str(max(0, math.ceil(reset))),
    }


def check(state, key: str) -> dict:
    """Count one request for `key`; return headers, or raise 429 for the rest of the window."""
    settings = state.settings
    limit, window = int(settings["rate_limit"]), float(settings["rate_window"])
    now = state.clock.timestamp()
    with state.lock:
        bucket = state.rate_buckets.get(key)
        if bucket is None or now >= bucket["reset_at"]:
            bucket = state.rate_buckets[key] = {"reset_at": now + window, "used": 0}
        bucket["used"] += 1
        used, reset_at = bucket["used"], bucket["reset_at"]
    headers = _headers(limit, max(0, limit - used), reset_at - now)
    if used > limit:
        raise too_many(state, headers)
    return headers


def too_many(state, headers: dict) -> TripletexError:
    """A 429; optionally without X-Rate-Limit-Reset (tripletex-api2 issue #103)."""
    headers = dict(headers, **{"X-Rate-Limit-Remaining": "0"})
    if state.settings.get("omit_reset_on_429"):
        headers.pop("X-Rate-Limit-Reset", None)
    return TripletexError(429, 429, TOO_MANY, headers=headers)


def burst_headers(state) -> dict:
    """Headers for a fault-injected 429: the window is spent for the next few seconds."""
    limit = int(state.settings["rate_limit"])
    return _headers(limit, 0, min(float(state.settings["rate_window"]), 2))
