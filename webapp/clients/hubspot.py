"""Client for HubSpot's date-versioned CRM and OAuth APIs. Knows nothing of our data."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from .errors import (
    ApiError,
    BadRequest,
    TokenRefused,
    TransportError,
    UnexpectedResponse,
    error_class_for,
)
from .http import (
    SYSTEM_CLOCK,
    Clock,
    Transport,
    Written,
    header_float,
    json_or_none,
    paginate,
    request_id,
    send_in_chunks,
)

SERVICE = "HubSpot"
BATCH_SIZE = 100
LIST_PAGE_SIZE = 100
SEARCH_PAGE_SIZE = 200
SEARCH_RESULT_CAP = 10_000
SEARCH_INTERVAL = 0.2  # 5 searches a second per token; search sends no rate-limit headers
REFRESH_LEEWAY = 300  # refresh five minutes early; tokens live thirty


class TokenStore(Protocol):
    """Where one portal's OAuth token lives; the app encrypts it and locks refreshes per portal."""

    def load(self) -> dict | None: ...
    def save(self, token: dict) -> None: ...
    def refresh_lock(self) -> AbstractContextManager: ...


class SearchTooBroad(ApiError):
    """A search matches more than HubSpot will page through; narrow the filters."""


@dataclass
class BatchResult:
    """Outcome of a batch call, which HubSpot may only partly carry out (207).

    Each result carries the request id of the call that returned it (`Written`).
    """

    results: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


def parse_error(service: str, response: requests.Response) -> ApiError:
    """Turn HubSpot's error body into a typed error."""
    body = json_or_none(response)
    body = body if isinstance(body, dict) else {}
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    message = body.get("message") or response.reason or f"HTTP {response.status_code}"
    return error_class_for(response.status_code)(
        service,
        message,
        status=response.status_code,
        code=body.get("category") or body.get("errorType"),
        validation_messages=[e for e in errors if isinstance(e, dict)],
        request_id=body.get("correlationId") or response.headers.get("X-HubSpot-Correlation-Id"),
        retry_after=_wait_hint(response),
        body=body,
    )


def _wait_hint(response: requests.Response) -> float | None:
    retry_after = header_float(response, "Retry-After")
    if retry_after is not None:
        return retry_after
    if response.status_code == 423:
        return 2.0  # HubSpot asks for at least two seconds after a lock
    return None


def _pace(response: requests.Response) -> float | None:
    remaining = header_float(response, "X-HubSpot-RateLimit-Remaining")
    if remaining is not None and remaining <= 0:
        interval = header_float(response, "X-HubSpot-RateLimit-Interval-Milliseconds") or 10_000
        # The window rolls, so a tenth of it usually frees a slot.
        return interval / 10_000
    return None


class CallWindow:
    """Our own calls over HubSpot's rolling window, so a long run sends at the limit's full
    rate and never past it: a call waits for the oldest in the window to leave it.

    HubSpot's budget is per portal and app; other processes (a page, another task) may spend
    some of it, so `MARGIN` calls are left to them, and the server's own Remaining header
    still pauses us (`_pace`) if they spend more.
    """

    MARGIN = 10

    def __init__(self, clock: Clock, limit: int = 110, interval: float = 10.0):
        self.clock = clock
        self.limit = limit
        self.interval = interval
        self.sent: deque[float] = deque()

    def learn(self, response: requests.Response) -> None:
        """Take the window's size from HubSpot's headers, and count calls it saw that we did
        not send (another process's): as if made just now, which errs on the side of waiting."""
        limit = header_float(response, "X-HubSpot-RateLimit-Max")
        interval = header_float(response, "X-HubSpot-RateLimit-Interval-Milliseconds")
        if limit and interval:
            self.limit, self.interval = int(limit), interval / 1000
        remaining = header_float(response, "X-HubSpot-RateLimit-Remaining")
        if remaining is not None:
            unseen = int(self.limit - remaining) - len(self.sent)
            now = self.clock.monotonic()
            self.sent.extend([now] * max(0, unseen))

    def wait(self) -> None:
        now = self.clock.monotonic()
        while self.sent and self.sent[0] <= now - self.interval:
            self.sent.popleft()
        if len(self.sent) >= max(1, self.limit - self.MARGIN):
            self.clock.sleep(self.sent[0] + self.interval - now)
            self.sent.popleft()
        self.sent.append(self.clock.monotonic())


# See account_details: the first version of the account API that gives the portal's name.
ACCOUNT_INFO_VERSION = "2027-03-beta"


class HubSpotClient:
    """One portal's view of HubSpot through its OAuth token."""

    def __init__(
        self,
        api_base: str,
        api_version: str,
        client_id: str,
        client_secret: str,
        tokens: TokenStore,
        *,
        transport: Transport | None = None,
        clock: Clock = SYSTEM_CLOCK,
        **transport_options: Any,
    ):
        self.api_base = api_base.rstrip("/")
        self.version = api_version
        self.tokens = tokens
        self._clock = clock
        self.oauth = OAuth2Session(
            client_id,
            client_secret,
            token_endpoint_auth_method="client_secret_post",
            token=tokens.load(),
            update_token=self._store_refreshed,
        )
        self.transport = transport or Transport(
            SERVICE,
            error_parser=parse_error,
            wait_hint=_wait_hint,
            pace_hint=_pace,
            session=self.oauth,
            clock=clock,
            **transport_options,
        )
        self._next_search = 0.0
        self._window = CallWindow(clock)

    @property
    def token_url(self) -> str:
        return f"{self.api_base}/oauth/{self.version}/token"

    # Tokens

    def _store_refreshed(
        self, token: dict, refresh_token: str | None = None, access_token: str | None = None
    ) -> None:
        # Authlib dates expiry by time.time(); date it by our clock, which decides refreshes
        # (ensure_fresh_token). A float also keeps authlib's own int-only expiry check out.
        if token.get("expires_in") is not None:
            token["expires_at"] = self._clock.time() + float(token["expires_in"])
        self.tokens.save(dict(token))

    def ensure_fresh_token(self) -> None:
        """Refresh the access token before it expires, one refresher per portal at a time."""
        if not _expires_soon(self.oauth.token, self._clock.time()):
            return
        with self.tokens.refresh_lock():
            latest = self.tokens.load()
            if latest and not _expires_soon(latest, self._clock.time()):
                self.oauth.token = latest  # another process refreshed while we waited
                return
            self.refresh(latest or self.oauth.token)

    def refresh(self, token: dict) -> dict:
        """Exchange the refresh token; HubSpot wants the client credentials in the form body."""
        if not token or not token.get("refresh_token"):
            raise TokenRefused(SERVICE, "no refresh token is stored")
        try:
            timeout = self.transport.call_timeout(self.transport.timeout)
            return self.oauth.refresh_token(
                self.token_url, refresh_token=token["refresh_token"], timeout=timeout
            )
        except OAuthError as exc:
            if exc.error == "invalid_grant":
                raise TokenRefused(
                    SERVICE, exc.description or "refresh token refused", status=400, code=exc.error
                ) from exc
            raise BadRequest(
                SERVICE, exc.description or str(exc.error), status=400, code=exc.error
            ) from exc
        except requests.RequestException as exc:
            raise TransportError(
                SERVICE, "could not reach HubSpot to refresh the token", ambiguous=True
            ) from exc

    def introspect(self, token: str, hint: str = "access_token") -> dict:
        """Ask HubSpot what a token is: its portal (hub_id), user, scopes, and whether it lives."""
        response = self.transport.request(
            "POST",
            f"{self.api_base}/oauth/{self.version}/token/introspect",
            idempotent=True,
            withhold_token=True,
            data={
                "client_id": self.oauth.client_id,
                "client_secret": self.oauth.client_secret,
                "token": token,
                "token_type_hint": hint,
            },
        )
        return _json(response)

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
        """Send an authenticated request to a path under the API host."""
        self.ensure_fresh_token()
        self._window.wait()
        response = self.transport.request(
            method,
            f"{self.api_base}/{path.lstrip('/')}",
            params=params,
            json=json,
            idempotent=idempotent,
        )
        self._window.learn(response)
        return response

    def objects_path(self, object_type: str) -> str:
        return f"/crm/objects/{self.version}/{object_type}"

    def get_object(
        self,
        object_type: str,
        object_id: str,
        *,
        properties: Iterable[str] = (),
        associations: Iterable[str] = (),
        id_property: str | None = None,
    ) -> dict:
        params = _csv_params(properties=properties, associations=associations)
        if id_property:
            params["idProperty"] = id_property
        return _json(
            self.request("GET", f"{self.objects_path(object_type)}/{object_id}", params=params)
        )

    def list_objects(
        self,
        object_type: str,
        *,
        properties: Iterable[str] = (),
        associations: Iterable[str] = (),
        limit: int = LIST_PAGE_SIZE,
    ) -> Iterator[dict]:
        """Yield every record of a type, following `paging.next.after`."""
        base = dict(_csv_params(properties=properties, associations=associations), limit=limit)

        def page(after):
            params = dict(base, after=after) if after else base
            body = _json(self.request("GET", self.objects_path(object_type), params=params))
            return body.get("results", []), _next_after(body)

        return paginate(page)

    def list_page(
        self,
        object_type: str,
        *,
        after: str | None = None,
        properties: Iterable[str] = (),
        associations: Iterable[str] = (),
        limit: int = LIST_PAGE_SIZE,
    ) -> tuple[list[dict], str | None]:
        """One page of records and the cursor of the next (None at the end), for work that
        keeps its place between pages."""
        params = dict(_csv_params(properties=properties, associations=associations), limit=limit)
        if after:
            params["after"] = after
        body = _json(self.request("GET", self.objects_path(object_type), params=params))
        return body.get("results", []), _next_after(body)

    def create_object(
        self, object_type: str, properties: dict, associations: list | None = None
    ) -> Written:
        payload = {"properties": properties, "associations": associations or []}
        return _written(self.request("POST", self.objects_path(object_type), json=payload))

    def update_object(self, object_type: str, object_id: str, properties: dict) -> Written:
        return _written(
            self.request(
                "PATCH",
                f"{self.objects_path(object_type)}/{object_id}",
                json={"properties": properties},
                idempotent=True,
            )
        )

    def archive_object(self, object_type: str, object_id: str) -> Written:
        """Archive a record; the result is empty but for the request id."""
        response = self.request("DELETE", f"{self.objects_path(object_type)}/{object_id}")
        return Written({}, request_id(response))

    # Batches (at most 100 inputs a call; HubSpot answers 207 when some fail)

    def batch_read(
        self,
        object_type: str,
        ids: Iterable[str],
        *,
        properties: Iterable[str] = (),
        id_property: str | None = None,
    ) -> BatchResult:
        extra = {"properties": list(properties), "propertiesWithHistory": []}
        if id_property:
            extra["idProperty"] = id_property
        return self._batch(
            object_type, "read", [{"id": str(i)} for i in ids], extra, idempotent=True
        )

    def batch_associations(
        self, from_type: str, to_type: str, ids: Iterable[str]
    ) -> dict[str, list[dict]]:
        """Each record's associations to another type (v4 batch read), by record id:
        `[{"toObjectId": ..., "associationTypes": [{"category", "typeId", "label"?}]}]`.
        Records that no longer exist are left out."""
        found: dict[str, list[dict]] = {}
        ids = [str(i) for i in ids]
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            body = _json(
                self.request(
                    "POST",
                    f"/crm/associations/{self.version}/{from_type}/{to_type}/batch/read",
                    json={"inputs": [{"id": i} for i in chunk]},
                    idempotent=True,
                )
            )
            for result in body.get("results", []):
                found[str((result.get("from") or {}).get("id"))] = result.get("to") or []
        return found

    def batch_create(self, object_type: str, inputs: list[dict]) -> BatchResult:
        return self._batch(object_type, "create", inputs, {}, idempotent=False)

    def batch_update(self, object_type: str, inputs: list[dict]) -> BatchResult:
        return self._batch(object_type, "update", inputs, {}, idempotent=True)

    def batch_upsert(self, object_type: str, inputs: list[dict]) -> BatchResult:
        return self._batch(object_type, "upsert", inputs, {}, idempotent=True)

    def _batch(
        self, object_type: str, verb: str, inputs: list[dict], extra: dict, *, idempotent: bool
    ) -> BatchResult:
        """Send the inputs a hundred at a time; a call that fails raises BatchInterrupted."""
        outcome = BatchResult()

        def send(chunk: list[dict]) -> None:
            response = self.request(
                "POST",
                f"{self.objects_path(object_type)}/batch/{verb}",
                json=dict(extra, inputs=chunk),
                idempotent=idempotent,
            )
            body = _json(response)
            outcome.results.extend(
                Written(result, request_id(response)) for result in body.get("results", [])
            )
            outcome.errors.extend(body.get("errors", []))

        send_in_chunks(inputs, BATCH_SIZE, send, outcome)
        return outcome

    # Search (paced separately: 5 a second, 200 a page, 10,000 results in all)

    def search(
        self,
        object_type: str,
        *,
        filter_groups: list[dict] | None = None,
        properties: Iterable[str] = (),
        sorts: list | None = None,
        query: str | None = None,
        limit: int = SEARCH_PAGE_SIZE,
    ) -> Iterator[dict]:
        """Yield every match; raise SearchTooBroad rather than silently stop at 10,000."""
        payload: dict[str, Any] = {
            "filterGroups": filter_groups or [],
            "properties": list(properties),
            "limit": limit,
        }
        if sorts:
            payload["sorts"] = sorts
        if query:
            payload["query"] = query

        def page(after):
            self._pace_search()
            body = _json(
                self.request(
                    "POST",
                    f"{self.objects_path(object_type)}/search",
                    json=dict(payload, after=after or "0"),
                    idempotent=True,
                )
            )
            total = body.get("total", 0)
            if isinstance(total, int) and total > SEARCH_RESULT_CAP:
                raise SearchTooBroad(
                    SERVICE,
                    f"search matches {total} records; HubSpot pages "
                    f"through {SEARCH_RESULT_CAP} at most",
                    status=400,
                )
            return body.get("results", []), _next_after(body)

        return paginate(page)

    def _pace_search(self) -> None:
        wait = self._next_search - self._clock.monotonic()
        if wait > 0:
            self._clock.sleep(wait)
        self._next_search = max(self._clock.monotonic(), self._next_search) + SEARCH_INTERVAL

    # Schema and install

    def get_pipelines(self, object_type: str = "deals") -> list[dict]:
        body = _json(self.request("GET", f"/crm/pipelines/{self.version}/{object_type}"))
        return body.get("results", [])

    def list_properties(self, object_type: str) -> list[dict]:
        body = _json(self.request("GET", f"/crm/properties/{self.version}/{object_type}"))
        return body.get("results", [])

    def list_property_groups(self, object_type: str) -> list[dict]:
        body = _json(self.request("GET", f"/crm/properties/{self.version}/{object_type}/groups"))
        return body.get("results", [])

    def create_property_group(self, object_type: str, group: dict) -> Written:
        """Create a property group; a Conflict means it exists already."""
        return _written(
            self.request("POST", f"/crm/properties/{self.version}/{object_type}/groups", json=group)
        )

    def create_property(self, object_type: str, definition: dict) -> Written:
        """Create a custom property; a Conflict means it exists already."""
        return _written(
            self.request("POST", f"/crm/properties/{self.version}/{object_type}", json=definition)
        )

    def update_property(self, object_type: str, name: str, changes: dict) -> Written:
        """Change a property's definition (its options, say)."""
        return _written(
            self.request(
                "PATCH", f"/crm/properties/{self.version}/{object_type}/{name}", json=changes
            )
        )

    def account_details(self) -> dict:
        """The portal's time zone, currencies and UI domain, and (beta) its name.

        Only the 2027-03-beta version of the account information API names the portal
        (`portalName`); the stable 2026-03 one answers the same without it. Callers treat
        the name as optional and fall back to the portal's domain.
        """
        return _json(self.request("GET", f"/account-info/{ACCOUNT_INFO_VERSION}/details"))

    def uninstall(self) -> None:
        """Uninstall the app from this portal (HubSpot removes cards and webhooks)."""
        self.request("DELETE", f"/appinstalls/{self.version}/external-install")


def _expires_soon(token: dict | None, now: float) -> bool:
    if not token or not token.get("access_token"):
        return True
    expires_at = token.get("expires_at")
    return expires_at is None or float(expires_at) - REFRESH_LEEWAY <= now


def _csv_params(**values: Iterable[str]) -> dict:
    return {key: ",".join(items) for key, items in values.items() if items}


def _next_after(body: dict) -> str | None:
    nxt = (body.get("paging") or {}).get("next") or {}
    return str(nxt["after"]) if nxt.get("after") not in (None, "") else None


def _json(response: requests.Response) -> dict:
    body = json_or_none(response)
    if not isinstance(body, dict):
        raise UnexpectedResponse(
            SERVICE,
            "expected a JSON object",
            status=response.status_code,
            request_id=request_id(response),
        )
    return body


def _written(response: requests.Response) -> Written:
    return Written(_json(response), request_id(response))
