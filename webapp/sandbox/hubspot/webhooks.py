"""The webhook emitter: turns changes into events and POSTs them, signed, in batches.

Delivery runs on one background thread: events wait `webhook_batch_window` seconds to gather
into arrays of at most `webhook_max_batch`; a failure (non-2xx, no answer within
`webhook_timeout`, no connection) is retried up to `webhook_max_retries` times, after the
delays in `webhook_retry_delays` measured on the sandbox clock, so tests move the clock instead
of waiting. The control API can ask for duplicated or reordered deliveries, which HubSpot
itself does not rule out.
"""

from __future__ import annotations

import itertools
import json
import threading
import time

import requests

from .signing import webhook_headers
from .subscriptions import Change, events_for, numbered


class Emitter:
    """Queue, batch, sign, send and retry webhook events for the one registered app."""

    def __init__(self, sandbox):
        self.sb = sandbox
        self.settings = sandbox.settings
        self.duplicate = False
        self.reorder = False
        self.deliveries: list[dict] = []
        self._event_ids = itertools.count(1_000_001)
        self._queue: list[dict] = []  # events not yet sent
        self._retries: list[tuple] = []  # (due on the sandbox clock, attempt, events)
        self._busy = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self.configure()

    def configure(self) -> None:
        """Take the subscriptions and target URL from the settings (the app's configuration)."""
        self.subscriptions = numbered(self.settings["webhook_subscriptions"])

    def record(self, change: Change) -> None:
        """Queue an event for every active subscription the change matches."""
        portal = self.sb.state.portals.get(change.portal_id)
        if portal is None or not portal.installed:
            return  # webhooks go only to accounts that installed the app
        events = events_for(
            self.subscriptions, change, int(self.settings["app_id"]), lambda: next(self._event_ids)
        )
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
                "duplicate": self.duplicate,
                "reorder": self.reorder,
                "queued": len(self._queue),
                "retriesPending": [
                    {"dueAt": due, "attemptNumber": attempt, "events": len(events)}
                    for due, attempt, events in self._retries
                ],
                "deliveries": len(self.deliveries),
            }

    def clear(self) -> None:
        with self._cond:
            self._queue.clear()
            self._retries.clear()
            self.deliveries.clear()
            self.duplicate = self.reorder = False
            self.configure()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued, in flight or waiting to be retried."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._retries or self._busy:
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
                batch = self._next_batch()
                if batch is None:
                    continue
                self._busy = True
            try:
                self._deliver(*batch)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _next_batch(self):
        """Return (attempt, events) to send now, or None after waiting a little."""
        now = self.sb.clock.now()
        due = [r for r in self._retries if r[0] <= now]
        if due:
            self._retries.remove(due[0])
            return due[0][1], due[0][2]
        if self._queue:
            self._cond.wait(float(self.settings["webhook_batch_window"]))
            if not self._queue:
                return None
            portal_id = self._queue[0]["portalId"]
            mine = [e for e in self._queue if e["portalId"] == portal_id]
            size = int(self.settings["webhook_max_batch"])
            # Reordering sends the newest events first, across batches and within them.
            batch = mine[-size:][::-1] if self.reorder else mine[:size]
            self._queue = [e for e in self._queue if not any(e is b for b in batch)]
            return 0, batch
        # Poll while retries wait: the sandbox clock may be moved forward at any time.
        self._cond.wait(0.02 if self._retries else 0.5)
        return None

    def _deliver(self, attempt: int, events: list[dict]) -> None:
        events = [dict(e, attemptNumber=attempt) for e in events]
        copies = 2 if self.duplicate else 1
        ok = all([self._post(attempt, events) for _ in range(copies)])
        if ok or attempt >= int(self.settings["webhook_max_retries"]):
            return
        delays = self.settings["webhook_retry_delays"]
        delay = float(delays[min(attempt, len(delays) - 1)]) if delays else 0.0
        with self._cond:
            self._retries.append((self.sb.clock.now() + delay, attempt + 1, events))

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
        return ok
