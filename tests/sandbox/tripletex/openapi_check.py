"""Validate requests and responses against Tripletex's official OpenAPI 2.74 spec.

Two views: `check_request` for what a client sent (recorded by a `Recorder`), and `watch` for
every answer a sandbox app gives, checked inside the server as it leaves.
"""

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from flask import request as flask_request
from flask import request_finished
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_schema_validator import OAS30Validator

SPEC = Path(__file__).parents[3] / ".." / "shared" / "specs" / "tripletex-openapi.json"


def _nullable(schema):
    # The spec declares nothing nullable, yet the real API returns null for unset references.
    # A property that is only a $ref cannot carry siblings in 3.0, so every component schema
    # (and every property and item schema) is made nullable.
    if not isinstance(schema, dict):
        return
    if "$ref" not in schema:
        schema["nullable"] = True
        if "enum" in schema and None not in schema["enum"]:
            # An unset enum (a revenue posting's `type`) is null too, and 3.0's `nullable`
            # does not extend an enum.
            schema["enum"] = [*schema["enum"], None]
    for prop in (schema.get("properties") or {}).values():
        _nullable(prop)
    for key in ("items", "additionalProperties"):
        _nullable(schema.get(key))
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key) or []:
            _nullable(sub)


def _typed_defaults(paths: dict) -> None:
    # Parameters like `from` declare {"type": "integer", "default": "0"}; openapi-core
    # would apply and then reject those string defaults.
    casts = {"integer": int, "number": float, "boolean": lambda v: v == "true"}
    for operations in paths.values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters") or []:
                schema = parameter.get("schema") or {}
                if isinstance(schema.get("default"), str) and schema.get("type") in casts:
                    schema["default"] = casts[schema["type"]](schema["default"])


@lru_cache(maxsize=1)
def spec_dict() -> dict:
    data = json.loads(SPEC.read_text())
    for schema in data["components"]["schemas"].values():
        _nullable(schema)
        # Subscription (among others) is marked readOnly as a whole, which would forbid
        # sending it in the very POST that creates it.
        schema.pop("readOnly", None)
    _typed_defaults(data["paths"])
    data["servers"] = [{"url": "https://tripletex.no/v2"}]
    return data


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    # The file fails strict spec validation (string defaults on integer parameters).
    return OpenAPI.from_dict(spec_dict(), config=Config(spec_validator_cls=None))


class Request(RequestsOpenAPIRequest):
    """A recorded request, seen as if sent to tripletex.no, with `>` left unencoded."""

    @property
    def host_url(self) -> str:
        return "https://tripletex.no"

    @property
    def path(self) -> str:
        return unquote(super().path)

    @property
    def content_type(self) -> str:
        # Write bodies are declared as "application/json; charset=utf-8" only; plain
        # application/json is what every client sends and what Tripletex accepts.
        value = super().content_type
        return "application/json; charset=utf-8" if value == "application/json" else value


class ServerRequest(WerkzeugOpenAPIRequest):
    """A request as the sandbox received it, seen as if sent to tripletex.no."""

    @property
    def host_url(self) -> str:
        return "https://tripletex.no"

    @property
    def content_type(self) -> str:
        value = super().content_type
        return "application/json; charset=utf-8" if value == "application/json" else value


@lru_cache(maxsize=1)
def error_schema_validator() -> OAS30Validator:
    schemas = spec_dict()["components"]["schemas"]
    return OAS30Validator(
        {"$ref": "#/components/schemas/ApiError", "components": {"schemas": schemas}}
    )


def check_request(prepared) -> None:
    """Raise if a request a client sent does not match the spec, whatever the answer was."""
    openapi().validate_request(Request(prepared))


RATE_HEADERS = ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")


def response_problem(request, response, settings: dict) -> str | None:
    """Say how a sandbox answer to a /v2 call breaks the spec or the brief's headers, if it does."""
    if not request.path.startswith("/v2"):
        return None
    where = f"{request.method} {request.full_path.rstrip('?')} -> {response.status_code}"
    wanted = ["x-tlx-request-id", *RATE_HEADERS]
    if response.status_code == 429 and settings.get("omit_reset_on_429"):
        wanted.remove("X-Rate-Limit-Reset")
    missing = [name for name in wanted if not response.headers.get(name)]
    if missing:
        return f"{where}: missing headers {missing}"
    try:
        if response.status_code >= 400:
            body = json.loads(response.get_data())
            error_schema_validator().validate(body)
            if body["requestId"] != response.headers["x-tlx-request-id"]:
                return f"{where}: requestId differs from x-tlx-request-id"
        elif response.status_code not in (204, 304):
            openapi().validate_response(ServerRequest(request), WerkzeugOpenAPIResponse(response))
    except Exception as exc:  # any failure is reported with the exchange it came from
        return f"{where}: {type(exc).__name__}: {str(exc)[:300]}"
    return None


def watch(app, problems: list) -> None:
    """Check every answer `app` gives as it leaves; append what is wrong to `problems`."""
    settings = app.extensions["tripletex_sandbox"].settings

    def finished(sender, response, **extra):
        problem = response_problem(flask_request, response, settings)
        if problem:
            problems.append(problem)

    request_finished.connect(finished, app, weak=False)


class Recorder:
    """A requests response hook that keeps every exchange of a session."""

    def __init__(self):
        self.responses = []

    def attach(self, session):
        session.hooks["response"].append(lambda r, *a, **k: self.responses.append(r))
        return session


def _shape(path: str) -> str:
    # Spec parameters `{id}` and Flask's `<int:obj_id>` both become `{}`.
    return re.sub(r"\{[^}]*\}|<[^>]*>", "{}", path)


@lru_cache(maxsize=1)
def operations() -> frozenset:
    """Every (METHOD, /path) the spec declares, with path parameters written `{}`."""
    return frozenset(
        (method.upper(), _shape(path))
        for path, item in spec_dict()["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete")
    )


def operation_of(endpoint: str) -> tuple[str, str]:
    """Turn a request-log endpoint ("GET /v2/customer/{obj_id}") into a spec operation."""
    method, path = endpoint.split(" ", 1)
    return method, _shape(path.removeprefix("/v2"))
