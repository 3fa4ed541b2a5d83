"""Typed errors shared by the API clients: callers branch on type and fields, never on text."""
from __future__ import annotations


class ApiError(Exception):
    """A service answered with an error, or could not be reached."""

    retriable = False

    def __init__(self, service: str, message: str, *, status: int | None = None,
                 code: int | str | None = None, validation_messages: list | None = None,
                 request_id: str | None = None, retry_after: float | None = None,
                 body: dict | None = None):
        super().__init__(message)
        self.service = service
        self.message = message
        self.status = status
        self.code = code
        self.validation_messages = validation_messages or []
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body or {}

    def fields(self) -> set[str]:
        """Return the names of the fields a validation error points at."""
        return {m.get("field") or m.get("in") or "" for m in self.validation_messages} - {""}

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
        super().__init__(service, f"no answer within the {seconds:g} seconds allowed",
                         ambiguous=ambiguous)
        self.seconds = seconds


class BadRequest(ApiError):
    """400 or 422: the request was refused as invalid; repeating it will not help."""


class Unauthorized(ApiError):
    """401: credentials are missing, expired or revoked."""


class Forbidden(ApiError):
    """403: authenticated, but not allowed (missing scope or entitlement)."""


class NotFound(ApiError):
    """404."""


class Conflict(ApiError):
    """409: stale version or duplicate."""


class RateLimited(ApiError):
    """429 (or HubSpot's 423 Locked): slow down and retry later."""

    retriable = True


class ServerError(ApiError):
    """5xx: the service failed; retrying may help for idempotent requests."""

    retriable = True


class UnexpectedResponse(ApiError):
    """The service answered 2xx with a body we cannot read."""


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
    if status in (423, 429):
        return RateLimited
    if status >= 500:
        return ServerError
    return ApiError
