"""HTTP plumbing shared by the API clients: timeouts, retries, pacing, redaction, paging."""

from __future__ import annotations

import copy
import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import requests
from urllib3.exceptions import NewConnectionError

from .errors import (
    TRIPLETEX_LOCKED,
    Action,
    ApiError,
    BatchInterrupted,
    Conflict,
    DeadlineExceeded,
    ReplayConflict,
    ServerError,
    TransportError,
    classify,
)

IDEMPOTENT_METHODS = {"GET", "HEAD", "OPTIONS", "DELETE"}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
BODY_CHUNK = 64 * 1024

# Secrets by parameter name. `code` is one only on an OAuth redirect (Tripletex's `code=NOK`
# is a currency), so it is matched only in a callback's query string.
_SECRET_PARAMS = re.compile(
    r"(?i)\b(consumerToken|employeeToken|token|access_token|refresh_token|client_secret|"
    r"hapikey|login|_s)=([^&\s\"']+)"
)
_OAUTH_CODE = re.compile(r"(?i)(/callback\?(?:[^\s\"'#]*?&)?code=)([^&\s\"'#]+)")
_SESSION_PATH = re.compile(r"(/token/session/)(?![:>])([^/?\s\"']+)")
_AUTH_HEADER = re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+")


def redact(text: str) -> str:
    """Hide tokens in URLs, paths and auth headers before anything is logged."""
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}=***", text)
    text = _OAUTH_CODE.sub(r"\1***", text)
    text = _SESSION_PATH.sub(r"\1***", text)
    return _AUTH_HEADER.sub(lambda m: f"{m.group(1)} ***", text)


class RedactingFilter(logging.Filter):
    """Scrub secrets from every log record, including those of requests and urllib3."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# Loggers that print request lines with their query strings. A filter on the logger itself
# runs before any handler (ours, gunicorn's or pytest's), so nothing downstream sees a token.
URL_LOGGERS = ("urllib3.connectionpool", "werkzeug", "gunicorn.access", "gunicorn.error")


def install_redaction() -> None:
    """Attach the redacting filter to every logger known to print URLs."""
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


install_redaction()


class Clock(Protocol):
    """What the clients need of a clock. The app passes its one Clock (webapp.timeutil), tests
    a fake one; clients built alone read the system's."""

    def time(self) -> float: ...  # seconds since the epoch
    def monotonic(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The system's time, for clients built without the app's clock.

    The app's Clock (webapp.timeutil) does the same and more; this small twin exists because
    the clients import nothing of ours outside their own package (import-linter holds them to
    it), so they can be used, and tested, alone.
    """

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


class Deadline:
    """When a whole chain of calls must be over, because a person is waiting for the answer.

    Per-call timeouts alone do not bound a dozen calls in a row: every call, retry and
    pause of a request a person waits on draws on one deadline instead.
    """

    def __init__(self, seconds: float, clock: Clock = SYSTEM_CLOCK):
        self.seconds = seconds
        self.clock = clock
        self.at = clock.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; zero or less once the deadline has passed."""
        return self.at - self.clock.monotonic()


class Transport:
    """Send requests with a timeout; retry what `classify` says to retry, and nothing else.

    So 429 (and 423) on any method, since the service refused without acting; 5xx and lost
    answers only on idempotent requests. A non-idempotent request that may have been
    processed raises at once, so the caller can look before retrying. An answer to a
    replay after a lost answer says so (`replayed`; a 409 becomes a ReplayConflict).
    With a `deadline`, no call, retry or pause runs past it.
    """

    def __init__(
        self,
        service: str,
        *,
        error_parser: Callable[[str, requests.Response], ApiError],
        wait_hint: Callable[[requests.Response], float | None] = lambda r: None,
        pace_hint: Callable[[requests.Response], float | None] = lambda r: None,
        session: requests.Session | None = None,
        timeout: float = 30.0,
        max_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        max_wait: float = 60.0,
        clock: Clock = SYSTEM_CLOCK,
        jitter: Callable[[], float] = random.random,
        deadline: Deadline | None = None,
    ):
        self.service = service
        self.session = session or requests.Session()
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_wait = max_wait
        self._error_parser = error_parser
        self._wait_hint = wait_hint
        self._pace_hint = pace_hint
        self.clock = clock
        self._jitter = jitter
        self._not_before = 0.0
        self.deadline = deadline
        self.log = logging.getLogger(f"webapp.clients.{service.lower()}")

    def fork(self) -> Transport:
        """A transport for another thread: its own connections, the same rules and deadline.

        Only for transports on a plain `requests.Session`, which threads must not share.
        """
        twin = copy.copy(self)
        twin.session = requests.Session()
        return twin

    def request(
        self, method: str, url: str, *, idempotent: bool | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send one logical request, retrying within the rules above."""
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        wanted = kwargs.pop("timeout", self.timeout)
        replayed = False
        for attempt in range(1, self.max_attempts + 1):
            self._wait_for_pacing()
            started = self.clock.monotonic()
            cause: BaseException | None = None
            try:
                response = self.session.request(
                    method,
                    url,
                    timeout=self.call_timeout(wanted),
                    stream=self.deadline is not None,
                    **kwargs,
                )
                if self.deadline is not None:
                    self._read_before_deadline(response)
            except requests.RequestException as exc:
                self.log.warning(
                    "%s %s failed after %.0f ms: %s",
                    method,
                    redact(url),
                    (self.clock.monotonic() - started) * 1000,
                    type(exc).__name__,
                )
                error, cause = self._transport_error(exc, sent=not _never_sent(exc)), exc
            else:
                self._log_response(method, url, response, started)
                self._remember_pacing(response)
                if response.status_code < 400:
                    return response
                error = self._answer_error(response, replayed)
            reads = method in READ_METHODS
            decision = classify(error, idempotent=idempotent, replayed=replayed, reads=reads)
            if decision.action is not Action.RETRY or attempt == self.max_attempts:
                raise error from cause
            # A read sent again repeats nothing; a write may have been carried out already.
            replayed = replayed or (not reads and _may_have_acted(error))
            self._pause(self._delay(attempt, decision.delay), error)
        raise AssertionError("unreachable")  # pragma: no cover

    def _answer_error(self, response: requests.Response, replayed: bool) -> ApiError:
        error = self._error_parser(self.service, response)
        if error.retry_after is None:
            error.retry_after = self._wait_hint(response)
        if replayed:
            error.replayed = True
            if isinstance(error, Conflict) and error.code != TRIPLETEX_LOCKED:
                error = ReplayConflict(error)
        return error

    def call_timeout(self, wanted: float) -> float:
        """The call's timeout: what was asked for, but never past the deadline."""
        if self.deadline is None:
            return wanted
        left = self.deadline.remaining()
        if left <= 0:
            raise DeadlineExceeded(self.service, self.deadline.seconds, ambiguous=False)
        return min(wanted, left)

    def _read_before_deadline(self, response: requests.Response) -> None:
        """Read the body a chunk at a time, giving up once the deadline has passed.

        A socket timeout bounds each read, not the whole answer: one that trickles in would
        otherwise keep a person waiting for as long as it takes.
        """
        chunks = []
        try:
            for chunk in response.iter_content(BODY_CHUNK):
                chunks.append(chunk)
                if self.deadline.remaining() <= 0:
                    raise DeadlineExceeded(self.service, self.deadline.seconds, ambiguous=True)
        except BaseException:
            response.close()
            raise
        response._content = b"".join(chunks)  # what `.content` and `.json()` then read

    def _transport_error(self, exc: requests.RequestException, sent: bool) -> TransportError:
        if (
            self.deadline is not None
            and isinstance(exc, requests.Timeout)
            and self.deadline.remaining() <= 0
        ):
            return DeadlineExceeded(self.service, self.deadline.seconds, ambiguous=sent)
        return TransportError(self.service, _describe(exc), ambiguous=sent)

    def _pause(self, seconds: float, error: ApiError | None = None) -> None:
        """Wait before the next attempt, unless it could not finish before the deadline.

        Then `error` (what the last attempt got) is raised at once, rather than after a sleep.
        """
        if self.deadline is not None and seconds >= self.deadline.remaining():
            raise error or DeadlineExceeded(self.service, self.deadline.seconds, ambiguous=False)
        self.clock.sleep(seconds)

    def _delay(self, attempt: int, hint: float) -> float:
        return min(max(self._backoff(attempt), hint), self.max_wait)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        # "Equal jitter": at least half the ceiling, so waits still grow.
        return ceiling / 2 + ceiling / 2 * self._jitter()

    def _wait_for_pacing(self) -> None:
        wait = self._not_before - self.clock.monotonic()
        if wait > 0:
            self._pause(min(wait, self.max_wait))

    def _remember_pacing(self, response: requests.Response) -> None:
        wait = self._pace_hint(response)
        if wait and wait > 0:
            self._not_before = self.clock.monotonic() + wait

    def _log_response(
        self, method: str, url: str, response: requests.Response, started: float
    ) -> None:
        elapsed = (self.clock.monotonic() - started) * 1000
        level = logging.INFO if response.status_code < 400 else logging.WARNING
        self.log.log(
            level,
            "%s %s -> %s in %.0f ms [%s]",
            method,
            redact(url),
            response.status_code,
            elapsed,
            request_id(response) or "-",
        )


def request_id(response: requests.Response) -> str | None:
    """The id the service gave this request (Tripletex's or HubSpot's), for logs and support."""
    return (
        response.headers.get("x-tlx-request-id")
        or response.headers.get("X-HubSpot-Correlation-Id")
        or None
    )


def _may_have_acted(error: ApiError) -> bool:
    """True when the request may have been carried out although no success came back."""
    return isinstance(error, ServerError) or (isinstance(error, TransportError) and error.ambiguous)


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the request cannot have reached the server, so replaying it is safe."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return isinstance(reason, NewConnectionError)
    return False


def _describe(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "the service did not answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "the service could not be reached"
    return "the request failed before an answer arrived"


class Written(dict):
    """What a write stored, as the service answered it, with the id of the request that did it.

    A dict, so callers read fields as before; `request_id` goes to the sync log and support.
    """

    def __init__(self, value: dict | None = None, request_id: str | None = None):
        super().__init__(value or {})
        self.request_id = request_id


def send_in_chunks(items: list, size: int, send: Callable[[list], None], written: Any) -> None:
    """Call `send` with each chunk of `items` in turn, and stop at the first that fails.

    `send` adds what its chunk stored to `written`; a failure raises BatchInterrupted
    carrying `written` so far, the failed chunk and the inputs never sent.
    """
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    for number, chunk in enumerate(chunks):
        try:
            send(chunk)
        except ApiError as error:
            unsent = [item for later in chunks[number + 1 :] for item in later]
            raise BatchInterrupted(error, written=written, failed=chunk, unsent=unsent) from error


def paginate(fetch_page: Callable[[Any], tuple[list, Any]], start: Any = None) -> Iterator:
    """Yield items page by page; fetch_page(cursor) returns (items, next cursor or None)."""
    cursor = start
    while True:
        items, cursor = fetch_page(cursor)
        yield from items
        if cursor is None:
            return


def json_or_none(response: requests.Response) -> Any:
    """Return the JSON body, or None when the body is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def header_float(response: requests.Response, name: str) -> float | None:
    """Read a numeric header, tolerating absence and junk."""
    value = response.headers.get(name)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
