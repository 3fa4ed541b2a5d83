"""Reference data kept for a while in the process, not read again on every run.

A won deal at rest costs a run of its own, and each run read the company's currencies, its
VAT types and the portal's pipelines again: three of its ten calls, against rate limits of
about ten calls a second. These change seldom, so they are kept for minutes: the pipelines
are read again anyway when a deal names a pipeline or stage they lack, and a VAT type or
currency added in Tripletex is seen within `TTL`. Keys name the service's address and the
company or portal, so two portals (or two sandboxes) never share an entry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
TTL = 300.0  # seconds

_lock = threading.Lock()
_kept: dict[tuple, tuple[float, object]] = {}


def remembered(key: tuple, read: Callable[[], T], *, seconds: float = TTL) -> T:
    """`read()`'s value for `key`, read again once it is `seconds` old."""
    now = time.monotonic()
    with _lock:
        hit = _kept.get(key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]  # type: ignore[return-value]
    value = read()
    with _lock:
        _kept[key] = (now, value)
    return value


def forget(key: tuple) -> None:
    with _lock:
        _kept.pop(key, None)


def forget_all() -> None:
    """Forget everything (a test's sandboxes are not the last test's)."""
    with _lock:
        _kept.clear()
