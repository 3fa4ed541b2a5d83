"""Client for Tripletex API v2: sessions, envelopes, paging, batches. Knows nothing of our data."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import requests

from .errors import ApiError, NotFound, Unauthorized, UnexpectedResponse, error_class_for
from .http import (
    SYSTEM_CLOCK,
    Clock,
    Transport,
    Written,
    header_float,
    json_or_none,
    request_id,
    send_in_chunks,
)

SERVICE = "Tripletex"
PAGE_SIZE = 1000  # Tripletex's own default `count`
BATCH_SIZE = 100  # ids per `GET ?id=` and objects per `/list` write
SESSION_DAYS = 2  # expirationDate is a date in Oslo; the session dies at its midnight
# Tripletex's dates (sessions, invoices, filters) are Norwegian calendar days.
TRIPLETEX_ZONE = ZoneInfo("Europe/Oslo")
# Most list endpoints filter by `id=1,2,3`; these take `ids` instead (2.74 spec) and would
# silently ignore `id`, answering with every row.
T = TypeVar("T")
IDS_PARAM_PATHS = {
    "/product",
    "/order/orderGroup",
    "/timesheet/allocated",
    "/timesheet/companyHoliday",
    "/timesheet/week",
    "/voucherStatus",
}


@dataclass
class Session:
    token: str
    expiration_date: str  # YYYY-MM-DD, Europe/Oslo


class SessionCache(Protocol):
    """Where a session token is kept between client instances (the app encrypts it)."""

    def load(self) -> Session | None: ...
    def save(self, session: Session) -> None: ...
    def clear(self) -> None: ...


class MemorySessionCache:
    """Keeps the session for the life of one client."""

    def __init__(self, session: Session | None = None) -> None:
        self.session = session

    def load(self) -> Session | None:
        return self.session

    def save(self, session: Session) -> None:
        self.session = session

    def clear(self) -> None:
        self.session = None


class SharedSessionCache(MemorySessionCache):
    """One session for clients on several threads: one renews it, the others wait and reuse it."""

    def __init__(self, session: Session | None = None) -> None:
        super().__init__(session)
        self.lock = threading.RLock()


def parse_error(service: str, response: requests.Response) -> ApiError:
    """Turn a Tripletex error response (the `ApiError` body) into a typed error."""
    body = json_or_none(response)
    body = body if isinstance(body, dict) else {}
    messages = body.get("validationMessages") or []
    detail = "; ".join(
        f"{m.get('field')}: {m.get('message')}" for m in messages if isinstance(m, dict)
    )
    message = body.get("message") or response.reason or f"HTTP {response.status_code}"
    if detail:
        message = f"{message} ({detail})"
    return error_class_for(response.status_code)(
        service,
        message,
        status=response.status_code,
        code=body.get("code"),
        validation_messages=[m for m in messages if isinstance(m, dict)],
        request_id=body.get("requestId") or response.headers.get("x-tlx-request-id"),
        retry_after=_reset_seconds(response),
        body=body,
    )


def _reset_seconds(response: requests.Response) -> float | None:
    # Tripletex has been seen to omit X-Rate-Limit-Reset on the 429 itself.
    return header_float(response, "X-Rate-Limit-Reset") or header_float(response, "Retry-After")


def _pace(response: requests.Response) -> float | None:
    """When the window's budget is spent, wait for the reset instead of collecting a 429."""
    remaining = header_float(response, "X-Rate-Limit-Remaining")
    if remaining is not None and remaining <= 0:
        return _reset_seconds(response) or 1.0
    return None


class TripletexClient:
    """One employee token's view of Tripletex, for one company."""

    def __init__(
        self,
        base_url: str,
        consumer_token: str,
        employee_token: str,
        *,
        company_id: int = 0,
        session_cache: SessionCache | None = None,
        transport: Transport | None = None,
        clock: Clock = SYSTEM_CLOCK,
        **transport_options: Any,
    ):
        self.base_url = base_url.rstrip("/")
        self._consumer_token = consumer_token
        self._employee_token = employee_token
        self.company_id = company_id
        self.sessions = session_cache or MemorySessionCache()
        self.clock = clock
        self.transport = transport or Transport(
            SERVICE,
            error_parser=parse_error,
            wait_hint=_reset_seconds,
            pace_hint=_pace,
            clock=clock,
            **transport_options,
        )

    # Sessions

    def create_session(self) -> Session:
        """Create a session token valid until midnight (Oslo) two days from now."""
        expiration = (self._today() + timedelta(days=SESSION_DAYS)).isoformat()
        url = f"{self.base_url}/token/session/:create"
        body = {
            "consumerToken": self._consumer_token,
            "employeeToken": self._employee_token,
            "expirationDate": expiration,
        }
        # A spare session is harmless, so creating one may be retried like a read.
        try:
            response = self.transport.request("POST", url, json=body, idempotent=True)
        except ApiError as exc:
            if not (isinstance(exc, NotFound) or exc.status == 405):
                raise
            # Installations older than 2.74 only know the legacy PUT with query parameters.
            response = self.transport.request("PUT", url, params=body, idempotent=True)
        value = _value(response)
        if not isinstance(value.get("token"), str) or not value["token"]:
            raise UnexpectedResponse(SERVICE, "session response carried no token")
        session = Session(value["token"], str(value.get("expirationDate") or expiration))
        self.sessions.save(session)
        return session

    def delete_session(self) -> None:
        """Revoke the current session token, if there is one."""
        session = self.sessions.load()
        self.sessions.clear()
        if session:
            try:
                self.transport.request(
                    "DELETE",
                    f"{self.base_url}/token/session/{session.token}",
                    auth=(str(self.company_id), session.token),
                )
            except (Unauthorized, NotFound):
                pass

    def _today(self) -> date:
        return datetime.fromtimestamp(self.clock.time(), TRIPLETEX_ZONE).date()

    def concurrently(self, *calls: Callable[[TripletexClient], T]) -> list[T]:
        """Make independent calls at once, each on a twin of this client; results in order.

        A person may be waiting, and Tripletex may take seconds a call: a dozen calls in a
        row add up, side by side they take about as long as the slowest. The twins share
        one session, made (or read) here, and keep it in memory, as a stored session lives
        in a database connection that belongs to this thread; a session one of them had to
        renew is kept afterwards.
        """
        first = self._session()
        shared = SharedSessionCache(first)
        twins = [self._twin(shared) for _ in calls]
        try:
            with ThreadPoolExecutor(max_workers=len(calls)) as pool:
                futures = [pool.submit(call, twin) for call, twin in zip(calls, twins)]
                return [future.result() for future in futures]
        finally:
            for twin in twins:
                twin.transport.session.close()
            if shared.session is not None and shared.session != first:
                self.sessions.save(shared.session)

    def _twin(self, sessions: SharedSessionCache) -> TripletexClient:
        twin = copy.copy(self)
        twin.sessions = sessions
        twin.transport = self.transport.fork()
        return twin

    def _session_guard(self) -> AbstractContextManager:
        # Twins on other threads must not each renew the session they share.
        return getattr(self.sessions, "lock", None) or nullcontext()

    def _session(self) -> Session:
        with self._session_guard():
            session = self.sessions.load()
            if session is None or date.fromisoformat(session.expiration_date) <= self._today():
                session = self.create_session()
        return session

    # Requests

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> requests.Response:
        """Send an authenticated request; on 401 make a new session once and try again."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        for renewed in (False, True):
            session = self._session()
            try:
                return self.transport.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    idempotent=idempotent,
                    auth=(str(self.company_id), session.token),
                )
            except Unauthorized:
                # 401 means the request was refused, so replaying it is safe. A twin may
                # have renewed the session meanwhile; if not, renew it now, holding the guard.
                with self._session_guard():
                    if self.sessions.load() == session:
                        self.sessions.clear()
                    if renewed:
                        raise
                    self._session()
        raise AssertionError("unreachable")  # pragma: no cover

    def get(self, path: str, *, fields: str | None = None, params: dict | None = None) -> dict:
        """GET one object and unwrap `{"value": ...}`."""
        return _value(self.request("GET", path, params=_with_fields(params, fields)))

    def list(
        self,
        path: str,
        *,
        fields: str | None = None,
        params: dict | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[dict]:
        """Yield every object of a list endpoint, stopping on a short page.

        `fullResultSize` is not a total (it is roughly count+1 while more rows exist),
        so only the page length says when the end is reached.
        """
        offset, previous = 0, None
        while True:
            query = dict(_with_fields(params, fields) or {}, **{"from": offset, "count": page_size})
            values = _values(self.request("GET", path, params=query))
            if values and values == previous:
                # Some endpoints ignore `from`; paging on would loop for ever.
                raise UnexpectedResponse(SERVICE, f"{path} ignored the paging offset")
            yield from values
            if len(values) < page_size:
                return
            offset += len(values)
            previous = values

    def get_many(
        self,
        path: str,
        ids: Iterable[int],
        *,
        fields: str | None = None,
        params: dict | None = None,
    ) -> Iterator[dict]:
        """Read objects by id in batches through `GET path?id=1,2,3` (`ids=` where needed)."""
        name = "ids" if "/" + path.strip("/") in IDS_PARAM_PATHS else "id"
        for chunk in _chunks(list(ids), BATCH_SIZE):
            query = dict(params or {}, **{name: ",".join(str(i) for i in chunk)})
            # One more than asked for, so a full answer is a short page and ends the chunk.
            yield from self.list(path, fields=fields, params=query, page_size=len(chunk) + 1)

    def create(self, path: str, obj: dict) -> Written:
        """POST a new object. Not retried after an ambiguous failure: look it up first."""
        if "id" in obj or "version" in obj:
            raise ValueError("a new Tripletex object must not carry id or version")
        return _written(self.request("POST", path, json=obj))

    def create_many(self, path: str, objects: list[dict]) -> list[Written]:
        """POST objects in batches to `path/list` and return what Tripletex stored, in order.

        A failed batch raises BatchInterrupted with what the batches before it stored.
        """
        return self._write_many("POST", path, objects, idempotent=False)

    def update(self, path: str, changes: dict) -> Written:
        """PUT a partial update (Tripletex merges); include `version` to guard against races.

        A replay after a lost answer that meets a 409 raises ReplayConflict: the first
        attempt probably wrote it, so re-read and compare.
        """
        return _written(self.request("PUT", path, json=changes, idempotent=True))

    def update_many(self, path: str, objects: list[dict]) -> list[Written]:
        """PUT objects (each with id, and version when known) in batches to `path/list`.

        A failed batch raises BatchInterrupted with what the batches before it stored.
        """
        return self._write_many("PUT", path, objects, idempotent=True)

    def _write_many(
        self, method: str, path: str, objects: list[dict], *, idempotent: bool
    ) -> list[Written]:
        written: list[Written] = []

        def send(chunk: list[dict]) -> None:
            response = self.request(
                method, f"{path.rstrip('/')}/list", json=chunk, idempotent=idempotent
            )
            values = _values(response)
            written.extend(Written(value, request_id(response)) for value in values)

        send_in_chunks(objects, BATCH_SIZE, send, written)
        return written

    def action(self, path: str, params: dict | None = None) -> Written:
        """Call a `/:verb` action such as `/order/1/:invoice`; these are never replayed blindly.

        The result is empty when the action answers with no object.
        """
        response = self.request("PUT", path, params=params, idempotent=False)
        body = json_or_none(response)
        value = body.get("value") if isinstance(body, dict) else None
        return Written(value if isinstance(value, dict) else {}, request_id(response))

    # Identity

    def who_am_i(self) -> dict:
        """Return the token's employee and company, expanded."""
        return self.get("/token/session/>whoAmI", fields="*,employee(*),company(*)")

    def company(self, company_id: int) -> dict:
        return self.get(f"/company/{company_id}")

    def companies_with_login_access(self) -> list[dict]:
        """List the companies this token may act for (several for an accountant's token)."""
        return list(self.list("/company/>withLoginAccess"))


def _with_fields(params: dict | None, fields: str | None) -> dict | None:
    if fields is None:
        return params
    return dict(params or {}, fields=fields)


def _written(response: requests.Response) -> Written:
    return Written(_value(response), request_id(response))


def _value(response: requests.Response) -> dict:
    body = json_or_none(response)
    if not isinstance(body, dict) or not isinstance(body.get("value"), dict):
        raise UnexpectedResponse(
            SERVICE,
            'expected a {"value": ...} envelope',
            status=response.status_code,
            request_id=response.headers.get("x-tlx-request-id"),
        )
    return body["value"]


def _values(response: requests.Response) -> list[dict]:
    body = json_or_none(response)
    if not isinstance(body, dict) or not isinstance(body.get("values"), list):
        raise UnexpectedResponse(
            SERVICE,
            'expected a {"values": [...]} envelope',
            status=response.status_code,
            request_id=response.headers.get("x-tlx-request-id"),
        )
    return body["values"]


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
