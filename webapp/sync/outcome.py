"""How a piece of sync work ends when it cannot finish, and what it did when it could."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..clients.errors import Action, ApiError, classify


class RetryLater(Exception):
    """Tripletex or HubSpot cannot take more now; the queue runs the work again later."""

    def __init__(self, error: ApiError, delay: float = 0.0):
        super().__init__(str(error))
        self.error = error
        self.delay = delay


class SyncPaused(Exception):
    """Nothing will work for this portal until a person reconnects or grants access."""

    def __init__(self, error: ApiError):
        super().__init__(str(error))
        self.error = error


class PageFailed(Exception):
    """A call the page needed was refused in a way no retry changes (HubSpot refusing the
    write-back, say): the page's records are logged as failed and the work moves on, rather
    than retrying for ever and holding up the rest of the portal."""

    def __init__(self, error: ApiError):
        super().__init__(str(error))
        self.error = error


def stop_for(error: ApiError, *, idempotent: bool) -> Exception:
    """The exception that ends a page the service would not finish."""
    decision = classify(error, idempotent=idempotent)
    if decision.action is Action.PAUSE:
        return SyncPaused(error)
    if decision.action is Action.FATAL:
        return PageFailed(error)
    return RetryLater(error, decision.delay)


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)  # created, linked, updated, unchanged, ...

    def add(self, other: Summary) -> None:
        self.counts.update(other.counts)
