"""The webhook emitter: matches changes to the app's subscriptions and POSTs signed batches.

Delivery runs on one background thread: events wait `webhook_batch_window` seconds to gather
into arrays of at most `webhook_max_batch`, failures (non-2xx, timeout, no connection) are
retried up to `webhook_max_attempts` times after `webhook_retry_delays`, and the control API
can ask for duplicated or reordered deliveries, which HubSpot itself does not rule out.
"""
from __future__ import annotations

import itertools
import json
import threading
import time

import requests

from . import schema
from .signing import webhook_headers


class Emitter:
    """Queue, batch, sign, send and retry webhook events for the one registered app."""

    def __init__(self, sandbox):
        self.sb = sandbox
        self.settings = sandbox.settings
        self.subscriptions = [dict(sub, id=500_001 + index) for index, sub in
                              enumerate(self.settings["webhook_subscriptions"])
                              if sub.get("active", True)]
        self.duplicate = False
        self.reorder = False
        self.deliveries: list[dict] = []
        self._event_ids = itertools.count(1_000_001)
        self._queue: list[dict] = []          # events not yet sent
        self._retries: list[tuple] = []       # (due monotonic time, attempt, events)
        self._busy = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def record_change(self, portal_id: int, object_type: str, object_id: str, kind: str,
                      prop: str | None, value: str | None, source: tuple, when: float) -> None:
        """Queue an event for every active subscription the change matches."""
        portal = self.sb.state.portals.get(portal_id)
        if portal is None or not portal.installed:
            return    # webhooks go only to accounts that installed the app
        singular = schema.OBJECT_TYPES[object_type][1]
        events = []
        for sub in self.subscriptions:
            if sub.get("objectType") != singular or sub["subscriptionType"] != kind:
                continue
            if kind == "object.propertyChange" and sub.get("propertyName") != prop:
                continue
            event = {"eventId": next(self._event_ids), "subscriptionId": sub["id"],
                     "portalId": portal_id, "appId": int(self.settings["app_id"]),
                     "occurredAt": int(when * 1000), "subscriptionType": kind,
                     "attemptNumber": 0, "objectId": int(object_id),
                     "objectTypeId": schema.type_id(object_type),
                     "changeSource": source[0], "sourceId": source[1]}
            if kind == "object.propertyChange":
                event.update(propertyName=prop, propertyValue=value, isSensitive=False)
            if kind == "object.creation":
                event["changeFlag"] = "NEW"
            events.append(event)
        if events:
            with self._cond:
                self._queue.extend(events)
                self._ensure_thread()
                self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self._queue.clear()
            self._retries.clear()
            self.deliveries.clear()

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
        now = time.monotonic()
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
            batch = mine[:int(self.settings["webhook_max_batch"])]
            self._queue = [e for e in self._queue if not any(e is b for b in batch)]
            return 0, batch
        wait = min([r[0] for r in self._retries], default=now + 0.5) - now
        self._cond.wait(max(0.01, min(wait, 0.5)))
        return None

    def _deliver(self, attempt: int, events: list[dict]) -> None:
        events = [dict(e, attemptNumber=attempt) for e in events]
        if self.reorder:
            events.reverse()
        copies = 2 if self.duplicate else 1
        ok = all([self._post(attempt, events) for _ in range(copies)])
        if ok or attempt + 1 >= int(self.settings["webhook_max_attempts"]):
            return
        delays = self.settings["webhook_retry_delays"]
        delay = float(delays[min(attempt, len(delays) - 1)]) if delays else 0.0
        with self._cond:
            self._retries.append((time.monotonic() + delay, attempt + 1, events))

    def _post(self, attempt: int, events: list[dict]) -> bool:
        url = self.settings["webhook_target_url"]
        body = json.dumps(events, separators=(",", ":"))
        timestamp = int(self.sb.clock.now() * 1000)
        headers = {"Content-Type": "application/json", "User-Agent": "HubSpot Webhooks"}
        headers.update(webhook_headers(self.settings["client_secret"], url, body, timestamp))
        entry = {"attempt": attempt, "url": url, "events": events, "status": None, "error": None}
        try:
            response = requests.post(url, data=body.encode("utf-8"), headers=headers,
                                     timeout=float(self.settings["webhook_timeout"]))
            entry["status"] = response.status_code
            ok = 200 <= response.status_code < 300
        except requests.RequestException as exc:
            entry["error"] = type(exc).__name__
            ok = False
        with self._cond:
            self.deliveries.append(entry)
        return ok
