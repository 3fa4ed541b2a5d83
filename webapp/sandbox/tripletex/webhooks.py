"""Webhook deliveries from a background thread: auth header, idempotency key, HMAC, retries."""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import json
import threading
import time
import uuid
from datetime import datetime, timezone

import requests

from .fields import Shaper, parse

DISABLED = "DISABLED_TOO_MANY_ERRORS"


def signature(secret: str, idempotency_key: str, body: str) -> str:
    """base64(HMAC-SHA512(secret, idempotency_key + "&" + body)), as Tripletex documents."""
    digest = hmac.new(secret.encode(), f"{idempotency_key}&{body}".encode(), hashlib.sha512)
    return base64.b64encode(digest.digest()).decode()


class Webhooks:
    """Queue of deliveries, sent by one daemon thread; retry delays come from settings."""

    def __init__(self, state):
        self.state = state
        self._heap: list = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._busy = 0
        self._thread: threading.Thread | None = None
        self.http = requests.Session()

    def _live(self, sub: dict) -> bool:
        """Active, past its propagation time, and its employee token still valid."""
        state = self.state
        token = next(
            (t for t in state.employee_tokens.values() if t["id"] == sub.get("_token_id")), None
        )
        return (
            sub["status"] == "ACTIVE"
            and token is not None
            and not token["revoked"]
            and state.clock.now() >= sub.get("_active_from", state.clock.now())
        )

    def emit(self, company_id: int, event: str, kind: str, obj_id: int, host: str) -> None:
        """Build one delivery per live subscription to `event` in the company."""
        state = self.state
        with state.lock:
            if company_id not in state.companies:
                return
            subs = [
                s
                for s in state.table(company_id, "subscription").values()
                if s["event"] == event and self._live(s)
            ]
            obj = state.get(company_id, kind, obj_id)
            for sub in subs:
                value = None
                if not event.endswith(".delete") and obj is not None:
                    try:
                        spec = parse(sub["fields"])
                        value = Shaper(state, company_id, host).shape(kind, obj, spec)
                    except Exception:  # never turn a committed write into a 500
                        value = {"id": obj_id}
                body = json.dumps(
                    {"subscriptionId": sub["id"], "event": event, "id": obj_id, "value": value},
                    ensure_ascii=False,
                )
                delivery = {
                    "id": str(uuid.uuid4()),
                    "companyId": company_id,
                    "subscriptionId": sub["id"],
                    "event": event,
                    "objectId": obj_id,
                    "idempotencyKey": str(uuid.uuid4()),
                    "body": body,
                    "attempts": [],
                    "status": "PENDING",
                }
                state.deliveries.append(delivery)
                self._schedule(delivery, float(state.settings["webhook_delivery_delay"]))

    def _schedule(self, delivery: dict, delay: float) -> None:
        # Due times are on the sandbox clock, so moving the clock brings retries forward.
        due = self.state.clock.timestamp() + delay
        delivery["nextAttemptAt"] = datetime.fromtimestamp(due, timezone.utc).isoformat()
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._seq), delivery))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name="tripletex-sandbox-webhooks"
                )
                self._thread.start()
            self._cond.notify_all()

    def wake(self) -> None:
        """Re-check due times (the clock was moved)."""
        with self._cond:
            self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self._heap.clear()
            self._cond.notify_all()

    def _due_now(self) -> bool:
        return bool(self._heap) and self._heap[0][0] <= self.state.clock.timestamp()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until no delivery is in flight or due; later retries wait for the clock."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._busy or self._due_now():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait(1.0)
                due, _, delivery = self._heap[0]
                wait = due - self.state.clock.timestamp()
                if wait > 0:
                    # A frozen or moved clock is noticed within half a second, or on wake().
                    self._cond.wait(min(wait, 0.5))
                    continue
                heapq.heappop(self._heap)
                self._busy += 1
            try:
                self._attempt(delivery)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _attempt(self, delivery: dict) -> None:
        state = self.state
        with state.lock:
            company = state.companies.get(delivery["companyId"])
            sub = (
                company["objects"].get("subscription", {}).get(delivery["subscriptionId"])
                if company
                else None
            )
            if sub is None or not self._live(sub):
                delivery["status"] = "CANCELLED"
                return
            url, sub = sub["targetUrl"], dict(sub)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "idempotency-key": delivery["idempotencyKey"],
        }
        if sub.get("authHeaderName"):
            headers[sub["authHeaderName"]] = sub.get("authHeaderValue") or ""
        if sub.get("hmacSharedSecret"):
            headers["x-request-signature"] = signature(
                sub["hmacSharedSecret"], delivery["idempotencyKey"], delivery["body"]
            )
        try:
            response = self.http.post(
                url,
                data=delivery["body"].encode(),
                headers=headers,
                timeout=float(state.settings["webhook_timeout"]),
            )
            status = response.status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        self._record(delivery, status)

    def _changed(self) -> None:
        """A subscription changed outside any request: have the state file save it."""
        saved = getattr(self.state, "saved", None)
        if saved is not None:
            saved.changed()

    def _record(self, delivery: dict, status) -> None:
        state = self.state
        ok = isinstance(status, int) and 200 <= status < 300
        delays = list(state.settings["webhook_retry_delays"])
        with state.lock:
            delivery["attempts"].append({"at": state.clock.now().isoformat(), "status": status})
            delivery["nextAttemptAt"] = None
            sub = state.get(delivery["companyId"], "subscription", delivery["subscriptionId"])
            if ok:
                delivery["status"] = "DELIVERED"
                if sub is not None and sub.get("_failures"):
                    sub["_failures"] = 0
                    self._changed()
                return
            failures = (sub.get("_failures", 0) + 1) if sub is not None else 0
            if sub is not None:
                sub["_failures"] = failures
                if failures >= int(state.settings["webhook_max_failures"]):
                    sub["status"] = DISABLED
                    sub["version"] += 1
                self._changed()
            retry = len(delivery["attempts"]) - 1
            if sub is None or sub["status"] != "ACTIVE" or retry >= len(delays):
                delivery["status"] = "FAILED"
                return
            delivery["status"] = "RETRYING"
        self._schedule(delivery, float(delays[retry]))
