"""Typed errors shared by the API clients, and the one rule for what to do about each.

Callers branch on type and fields, never on text; `classify` says whether to retry, re-read,
give up or pause, and the transport's own retries follow it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ApiError(Exception):
    """A service answered with an error, or could not be reached.

    `replayed` is set when the answer came to a repeat of a request whose earlier answer
    was lost, so that earlier attempt may already have acted.
    """

    def __init__(
        self,
        service: str,
        message: str,
        *,
        status: int | None = None,
        code: int | str | None = None,
        validation_messages: list | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        body: dict | None = None,
    ):
        super().__init__(message)
        self.service = service
        self.message = message
        self.status = status
        self.code = code
        self.validation_messages = validation_messages or []
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body or {}
        self.replayed = False

    def fields(self) -> set[str]:
        """Return the names of the fields a validation error points at."""
        return {m.get("field") or m.get("in") or "" for m in self.validation_messages} - {""}

    def _answer(self) -> dict:
        """The keyword arguments that rebuild this error's answer in another error type."""
        return {
            "status": self.status,
            "code": self.code,
            "request_id": self.request_id,
            "validation_messages": self.validation_messages,
            "retry_after": self.retry_after,
            "body": self.body,
        }

    def __str__(self) -> str:
        parts = [f"{self.service}"]
        if self.status:
            parts.append(str(self.status))
        if self.code not in (None, ""):
            parts.append(f"code {self.code}")
        text = " ".join(parts) + f": {self.message}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text


class TransportError(ApiError):
    """No usable answer arrived. `ambiguous` means the request may have been processed."""

    def __init__(self, service: str, message: str, *, ambiguous: bool):
        super().__init__(service, message)
        self.ambiguous = ambiguous


class DeadlineExceeded(TransportError):
    """The time a person may wait ran out before the service answered (or before a retry)."""

    def __init__(self, service: str, seconds: float, *, ambiguous: bool):
        super().__init__(
            service, f"no answer within the {seconds:g} seconds allowed", ambiguous=ambiguous
        )
        self.seconds = seconds


class BadRequest(ApiError):
    """400 or 422: the request was refused as invalid; repeating it will not help."""


class Unauthorized(ApiError):
    """401: credentials are missing, expired or revoked."""


class TokenRefused(ApiError):
    """HubSpot refused a refresh token (`invalid_grant`): revoked, or the app was uninstalled."""


class Forbidden(ApiError):
    """403: authenticated, but not allowed (missing scope or entitlement)."""


class NotFound(ApiError):
    """404."""


class Conflict(ApiError):
    """409: stale version, duplicate, or (Tripletex code 10000) a locked object."""


class ReplayConflict(Conflict):
    """409 to a replay of a write whose first answer was lost.

    The first attempt probably did the write and moved the version on, so this is most
    likely our own change: re-read and compare rather than treat it as someone else's.
    """

    def __init__(self, conflict: Conflict):
        super().__init__(
            conflict.service,
            f"{conflict.message} (after a lost answer: the first attempt may have succeeded)",
            **conflict._answer(),
        )
        self.replayed = True


class RateLimited(ApiError):
    """429, HubSpot's 423 Locked or 477 Migration in progress: refused for now, retry later."""


class ServerError(ApiError):
    """5xx: the service failed; it may or may not have acted before it did."""


class UnexpectedResponse(ApiError):
    """The service answered 2xx with a body we cannot read."""


class BatchInterrupted(ApiError):
    """A batch stopped at a chunk that failed; nothing after it was sent.

    `written` is what the helper returns on success, holding what the chunks before the
    failure stored, so a caller links those rather than creating them again. `failed` are
    the failed chunk's inputs: written or not as `classify(error)` says (re-read: perhaps).
    `unsent` are the inputs after it. Status, code and request id are the failure's.

    Raised rather than returned: a caller that forgets to look cannot take a half-done
    batch for a whole one, and handlers of ApiError still catch it.
    """

    def __init__(self, error: ApiError, *, written, failed: list, unsent: list):
        super().__init__(
            error.service,
            f"{error.message} (the batch stopped with {len(failed) + len(unsent)} inputs not done)",
            **error._answer(),
        )
        self.error = error
        self.replayed = error.replayed
        self.written = written
        self.failed = failed
        self.unsent = unsent


def error_class_for(status: int) -> type[ApiError]:
    """Pick the error type for an HTTP status."""
    if status in (400, 422):
        return BadRequest
    if status == 401:
        return Unauthorized
    if status == 403:
        return Forbidden
    if status == 404:
        return NotFound
    if status == 409:
        return Conflict
    if status in (423, 429, 477):
        return RateLimited
    if status >= 500:
        return ServerError
    return ApiError


class Action(Enum):
    RETRY = "retry"  # send the same request again, no sooner than `delay`
    REREAD = "reread"  # it may have acted, or the record moved on: read, compare, then decide
    FATAL = "fatal"  # repeating it cannot help: report `error` as the record's problem
    PAUSE = "pause"  # nothing for this portal will work until a person reconnects or grants


@dataclass(frozen=True)
class Decision:
    action: Action
    error: ApiError
    delay: float = 0.0  # for RETRY: the service's own hint; 0 leaves the wait to the caller


TRIPLETEX_LOCKED = 10000  # Tripletex's 409 code for an object another process holds


def classify(
    error: ApiError, *, idempotent: bool, replayed: bool = False, reads: bool = False
) -> Decision:
    """Decide what to do about an error: retry, re-read, give up or pause the portal.

    `idempotent`: sending the request twice does no more than sending it once. `reads`: the
    request only reads (GET); a PUT is idempotent but writes. `replayed`:
    the request repeats one whose answer was lost (the error's own flag counts too). A
    BatchInterrupted is judged by, and its decision carries, the failure of its chunk.
    """
    if isinstance(error, BatchInterrupted):
        return classify(error.error, idempotent=idempotent, replayed=replayed, reads=reads)
    replayed = replayed or error.replayed
    hint = error.retry_after or 0.0
    # The service refused without acting: any method may be sent again after its hint.
    if isinstance(error, RateLimited) or (
        isinstance(error, Conflict) and error.code == TRIPLETEX_LOCKED
    ):
        return Decision(Action.RETRY, error, hint)
    if isinstance(error, TransportError) and not error.ambiguous:
        return Decision(Action.RETRY, error)
    # It may have acted: only a request that does no harm twice is sent again blindly.
    if isinstance(error, (TransportError, ServerError)):
        return Decision(Action.RETRY, error, hint) if idempotent else Decision(Action.REREAD, error)
    if isinstance(error, UnexpectedResponse):
        # A 2xx we cannot read: a write did happen; a read would only answer the same again.
        return Decision(Action.FATAL if reads else Action.REREAD, error)
    if isinstance(error, (Unauthorized, TokenRefused, Forbidden)):
        return Decision(Action.PAUSE, error)
    # A stale version or a duplicate: the record exists, in a state to read and compare with.
    # Gone after a replay: most likely our own first attempt (a delete) removed it.
    if isinstance(error, Conflict) or (isinstance(error, NotFound) and replayed and not reads):
        return Decision(Action.REREAD, error)
    return Decision(Action.FATAL, error)
