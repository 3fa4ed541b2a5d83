"""The webhook emitter: turns changes into events and POSTs them, signed, in batches.

Events wait `webhook_batch_window` seconds to gather into arrays of at most
`webhook_max_batch`. Each portal has at most `webhook_max_concurrent` requests in flight at
once (the webhooks component's maxConcurrentRequests, 10 by default: "the maximum number of
in-flight requests that HubSpot will attempt at a time"), so batches overtake one another and
order is not guaranteed. A failure (non-2xx, no answer within `webhook_timeout`, no
connection) is retried up to `webhook_max_retries` times after the delays in
`webhook_retry_delays`, each varied at random by ±`webhook_retry_jitter`, on the sandbox
clock, so tests move the clock instead of waiting ("retries will be spread out over the next
24 hours, with varying delays ... some randomization applied", webhooks guide). The control
API can also ask for duplicated or reordered deliveries, which HubSpot does not rule out.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from .signing import webhook_headers
from .subscriptions import Change, events_for, numbered

WORKERS = 64  # threads posting at once, over every portal


class Emitter:
    """Queue, batch, sign, send and retry webhook events for the one registered app."""

    def __init__(self, sandbox):
        self.sb = sandbox
        self.settings = sandbox.settings
        self.duplicate = False
        self.reorder = False
        self.deliveries: list[dict] = []
        self._event_ids = itertools.count(1_000_001)
        self._ids_lock = threading.Lock()
        self._queue: list[dict] = []  # events not yet sent
        self._retries: list[tuple] = []  # (due on the sandbox clock, attempt, events)
        self._in_flight: Counter = Counter()  # portal id -> requests being sent
        self._rng = random.Random(self.settings["seed"])
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="hubspot-webhook")
        self.configure()

    def configure(self) -> None:
        """Take the subscriptions and target URL from the settings (the app's configuration)."""
        self.subscriptions = numbered(self.settings["webhook_subscriptions"])

    def event_id(self) -> int:
        """Return a new event id (one write, one event, however many notifications)."""
        with self._ids_lock:
            return next(self._event_ids)

    def record(self, change: Change) -> None:
        """Queue an event for every active subscription the change matches."""
        portal = self.sb.state.portals.get(change.portal_id)
        if portal is None or not portal.installed:
            return  # webhooks go only to accounts that installed the app
        if change.event_id is None:
            change.event_id = self.event_id()
        events = events_for(self.subscriptions, change, int(self.settings["app_id"]))
        if events:
            with self._cond:
                self._queue.extend(events)
                self._ensure_thread()
                self._cond.notify_all()

    def status(self) -> dict:
        with self._cond:
            return {
                "targetUrl": self.settings["webhook_target_url"],
                "subscriptions": self.subscriptions,
                "maxConcurrentRequests": int(self.settings["webhook_max_concurrent"]),
                "duplicate": self.duplicate,
                "reorder": self.reorder,
                "queued": len(self._queue),
                "inFlight": sum(self._in_flight.values()),
                "retriesPending": [
                    {"dueAt": due, "attemptNumber": attempt, "events": len(events)}
                    for due, attempt, events in sorted(self._retries, key=lambda r: r[0])
                ],
                "deliveries": len(self.deliveries),
            }

    def clear(self) -> None:
        with self._cond:
            self._queue.clear()
            self._retries.clear()
            self.deliveries.clear()
            self.duplicate = self.reorder = False
            self._rng = random.Random(self.settings["seed"])
            self.configure()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued, in flight or waiting to be retried."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._retries or sum(self._in_flight.values()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:
        """Block until predicate(emitter) holds after a delivery, or the timeout passes."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="hubspot-webhooks", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                work = self._take()
            for attempt, events in work:
                self._pool.submit(self._deliver, attempt, events)

    def _room(self, portal_id: int) -> bool:
        return self._in_flight[portal_id] < int(self.settings["webhook_max_concurrent"])

    def _take(self) -> list:
        """Return the (attempt, events) to send now, each counted in flight; may wait."""
        now = self.sb.clock.now()
        work = []
        for retry in sorted(self._retries, key=lambda r: r[0]):
            portal_id = retry[2][0]["portalId"]
            if retry[0] <= now and self._room(portal_id):
                self._retries.remove(retry)
                self._in_flight[portal_id] += 1
                work.append((retry[1], retry[2]))
        if self._queue and not work:
            self._cond.wait(float(self.settings["webhook_batch_window"]))
        size = int(self.settings["webhook_max_batch"])
        for portal_id in list(dict.fromkeys(e["portalId"] for e in self._queue)):
            while self._room(portal_id):
                mine = [e for e in self._queue if e["portalId"] == portal_id]
                if not mine:
                    break
                # Reordering sends the newest events first, across batches and within them.
                batch = mine[-size:][::-1] if self.reorder else mine[:size]
                taken = {id(e) for e in batch}
                self._queue = [e for e in self._queue if id(e) not in taken]
                self._in_flight[portal_id] += 1
                work.append((0, batch))
        if not work:
            # Poll while retries wait: the sandbox clock may be moved forward at any time.
            self._cond.wait(0.02 if self._retries or self._queue else 0.5)
        return work

    def _deliver(self, attempt: int, events: list[dict]) -> None:
        portal_id = events[0]["portalId"]
        try:
            events = [dict(e, attemptNumber=attempt) for e in events]
            copies = 2 if self.duplicate else 1
            ok = all([self._post(attempt, events) for _ in range(copies)])
        except Exception:  # a delivery must never take the emitter down
            ok = False
        with self._cond:
            self._in_flight[portal_id] -= 1
            if not ok and attempt < int(self.settings["webhook_max_retries"]):
                self._retries.append(
                    (self.sb.clock.now() + self._delay(attempt), attempt + 1, events)
                )
            self._cond.notify_all()

    def _delay(self, attempt: int) -> float:
        delays = self.settings["webhook_retry_delays"]
        base = float(delays[min(attempt, len(delays) - 1)]) if delays else 0.0
        jitter = float(self.settings["webhook_retry_jitter"])
        return max(0.0, base * (1 + jitter * self._rng.uniform(-1, 1)))

    def _post(self, attempt: int, events: list[dict]) -> bool:
        url = self.settings["webhook_target_url"]
        body = json.dumps(events, separators=(",", ":"))
        timestamp = int(self.sb.clock.now() * 1000)
        headers = {"Content-Type": "application/json", "User-Agent": "HubSpot Webhooks"}
        headers.update(webhook_headers(self.settings["client_secret"], url, body, timestamp))
        entry = {
            "attempt": attempt,
            "url": url,
            "events": events,
            "status": None,
            "error": None,
            "at": self.sb.clock.now(),
        }
        try:
            response = requests.post(
                url,
                data=body.encode("utf-8"),
                headers=headers,
                timeout=float(self.settings["webhook_timeout"]),
            )
            entry["status"] = response.status_code
            ok = 200 <= response.status_code < 300  # any 4xx or 5xx is retried [MIR-WEBHOOKS]
        except requests.RequestException as exc:
            entry["error"] = type(exc).__name__
            ok = False
        with self._cond:
            self.deliveries.append(entry)
            self._cond.notify_all()
        return ok
