"""Injected faults for /v2 calls: 429 bursts, 5xx, latency, timeouts and lost responses."""

from __future__ import annotations

import random
import socket
import time

from flask import g, request

from . import conflicts, ratelimit
from .errors import TripletexError

# Keys the control API accepts, with their meaning:
#   rate_limit_burst: int   next N calls answer 429
#   server_errors: int      next N calls answer 500 (nothing is written)
#   server_error_rate: float  share of calls answering 503, drawn from a seeded generator
#   latency_ms: int         added to every call
#   timeouts: int, timeout_seconds: float   next N calls stall that long, then 504 unprocessed
#   lost_responses: int     next N writes are committed, then the connection is dropped
#   write_conflicts: int    next N writes answer 409 and write nothing, as the loser of a race
#   conflict_code: int      8000 RevisionException (default) or 10000 Locked for those 409s
#   path_prefix: str        only calls under this path are affected (default every /v2 call)
KNOWN = {
    "rate_limit_burst",
    "server_errors",
    "server_error_rate",
    "latency_ms",
    "timeouts",
    "timeout_seconds",
    "lost_responses",
    "write_conflicts",
    "conflict_code",
    "path_prefix",
    "seed",
}


def configure(state, values: dict) -> dict:
    """Merge fault settings; unknown keys are refused so typos do not pass silently."""
    unknown = set(values) - KNOWN
    if unknown:
        raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
    with state.lock:
        state.faults.update(values)
        state.fault_rng = random.Random(state.faults.get("seed", 0))
        return dict(state.faults)


def _take(state, key: str) -> bool:
    with state.lock:
        left = int(state.faults.get(key) or 0)
        if left > 0:
            state.faults[key] = left - 1
            return True
    return False


def before(state) -> None:
    """Run before auth: what a load balancer or a struggling backend would do."""
    faults = state.faults
    if not faults or not request.path.startswith(faults.get("path_prefix") or "/v2"):
        return
    if faults.get("latency_ms"):
        time.sleep(float(faults["latency_ms"]) / 1000)
    if _take(state, "timeouts"):
        time.sleep(float(faults.get("timeout_seconds", 1.0)))
        raise TripletexError(504, 1000, "Gateway Timeout")
    if _take(state, "rate_limit_burst"):
        raise ratelimit.too_many(state, ratelimit.burst_headers(state))
    if _take(state, "server_errors"):
        raise TripletexError(500, 1000, "En uventet feil oppstod.")
    rate = float(faults.get("server_error_rate") or 0)
    if rate:
        with state.lock:
            rng = getattr(state, "fault_rng", None) or random.Random(0)
            state.fault_rng = rng
            hit = rng.random() < rate
        if hit:
            raise TripletexError(503, 1000, "Service Unavailable")
    writing = request.method in conflicts.WRITES and "/token/session" not in request.path
    if writing and _take(state, "write_conflicts"):
        raise conflicts.conflict(int(faults.get("conflict_code") or 8000))
    if request.method != "GET" and _take(state, "lost_responses"):
        g.lose_response = True


def lose(response):
    """Drop the connection after the write committed, so the client sees no answer."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    else:
        # Not under werkzeug's server: stall past any sane client timeout instead.
        time.sleep(30)
    return response
