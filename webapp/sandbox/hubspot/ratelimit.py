"""HubSpot's burst limits: 110 calls per rolling 10 s per portal, 5 searches a second per token."""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict, deque

from .errors import ApiFailure


class RollingWindow:
    """Count calls per key over a rolling window measured on the sandbox clock."""

    def __init__(self, clock, limit: int, interval_ms: int):
        self.clock = clock
        self._calls: dict = defaultdict(deque)
        self._lock = threading.Lock()
        self.configure(limit, interval_ms)

    def configure(self, limit: int, interval_ms: int) -> None:
        """Set the limit and window, and forget the calls counted so far."""
        self.limit = int(limit)
        self.interval = interval_ms / 1000
        self.reset()

    def take(self, key) -> int | None:
        """Record a call; return the calls left, or None when the limit is already reached."""
        now = self.clock.now()
        with self._lock:
            calls = self._calls[key]
            while calls and calls[0] <= now - self.interval:
                calls.popleft()
            if len(calls) >= self.limit:
                return None
            calls.append(now)
            return self.limit - len(calls)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()


def headers(limit: int, interval_ms: int, remaining: int) -> dict:
    """Return the rate-limit headers of an OAuth-authenticated, non-search response."""
    per_second = max(1, limit * 1000 // interval_ms)
    return {
        "X-HubSpot-RateLimit-Interval-Milliseconds": str(interval_ms),
        "X-HubSpot-RateLimit-Max": str(limit),
        "X-HubSpot-RateLimit-Remaining": str(max(0, remaining)),
        # Deprecated but still sent [MIR-USAGE].
        "X-HubSpot-RateLimit-Secondly": str(per_second),
        "X-HubSpot-RateLimit-Secondly-Remaining": str(min(per_second, max(0, remaining))),
    }


def too_many(policy: str = "TEN_SECONDLY_ROLLING", extra_headers: dict | None = None) -> ApiFailure:
    """Return HubSpot's 429: errorType, policyName and requestId [MIR-USAGE], plus the
    category the specs' Error schema requires."""
    return ApiFailure(
        429,
        f"You have reached your {policy.lower()} limit.",
        "RATE_LIMITS",
        headers=extra_headers,
        errorType="RATE_LIMIT",
        policyName=policy,
        requestId=str(uuid.uuid4()),
    )
