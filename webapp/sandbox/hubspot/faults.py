"""Faults the control API injects into API calls: status bursts, a 5xx rate, latency, timeouts."""

from __future__ import annotations

import random
import re
import threading
import time

from .errors import ApiFailure
from .ratelimit import too_many

_MESSAGES = {
    423: ("LOCKED", "The resource is locked; retry after at least two seconds."),
    477: ("MIGRATION_IN_PROGRESS", "The account is being migrated between data-hosting locations."),
    500: ("INTERNAL_ERROR", "internal error"),
    502: ("BAD_GATEWAY", "Bad Gateway"),
    503: ("SERVICE_UNAVAILABLE", "Service Unavailable"),
    504: ("GATEWAY_TIMEOUT", "Gateway Timeout"),
}


class Faults:
    """Rules matched against API requests; each rule may fire a limited number of times."""

    def __init__(self, seed: int = 2026, sleep=time.sleep):
        self.rules: list[dict] = []
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.sleep = sleep

    def add(self, rule: dict) -> dict:
        """Add a rule: {status|latency|timeout, count?, rate?, path?, method?, retryAfter?}."""
        rule = {"count": None, "rate": None, "path": None, "method": None, **rule}
        if rule["path"]:
            re.compile(rule["path"])
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Drop every rule and restart the random sequence, so a `rate` fault repeats exactly."""
        with self._lock:
            self.rules.clear()
            self._rng = random.Random(self.seed)

    def apply(self, method: str, path: str) -> None:
        """Delay or fail the request when a rule matches; called before the API does anything."""
        fired = self._matching(method, path)
        for rule in fired:  # every delay first: a slow request may also fail
            if rule.get("latency"):
                self.sleep(float(rule["latency"]))
        for rule in fired:
            if rule.get("timeout"):
                # Hold the connection longer than any client waits, then answer 504.
                self.sleep(float(rule.get("seconds", 20)))
                raise ApiFailure(504, "Gateway Timeout", "GATEWAY_TIMEOUT")
            status = rule.get("status")
            if status == 429:
                extra = {"Retry-After": str(rule["retryAfter"])} if rule.get("retryAfter") else None
                raise too_many(extra_headers=extra)
            if status:
                category, message = _MESSAGES.get(int(status), ("ERROR", "Injected fault"))
                extra = {"Retry-After": str(rule["retryAfter"])} if rule.get("retryAfter") else None
                raise ApiFailure(int(status), message, category, headers=extra)

    def _matching(self, method: str, path: str) -> list[dict]:
        fired = []
        with self._lock:
            for rule in list(self.rules):
                if rule["method"] and rule["method"].upper() != method:
                    continue
                if rule["path"] and not re.search(rule["path"], path):
                    continue
                failing = rule.get("status") or rule.get("timeout")
                if failing and any(r.get("status") or r.get("timeout") for r in fired):
                    continue  # one failure per request; later rules wait their turn
                if rule["rate"] is not None and self._rng.random() >= float(rule["rate"]):
                    continue
                if rule["count"] is not None:
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        self.rules.remove(rule)
                fired.append(rule)
        return fired
