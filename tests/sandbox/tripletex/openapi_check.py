"""Validate recorded requests and responses against Tripletex's official OpenAPI 2.74 spec."""
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
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
            for parameter in (operation.get("parameters") or []) if isinstance(operation, dict) else []:
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


def error_schema_validator() -> OAS30Validator:
    schemas = spec_dict()["components"]["schemas"]
    return OAS30Validator({"$ref": "#/components/schemas/ApiError", "components":
                           {"schemas": schemas}})


def check(response, *, request_only: bool = False) -> None:
    """Raise if the exchange does not match the spec (errors are checked as ApiError)."""
    request = Request(response.request)
    if response.status_code < 400:
        # Requests that were refused were often wrong on purpose; their answers still count.
        openapi().validate_request(request)
    if request_only:
        return
    if response.status_code < 300:
        if response.status_code in (204, 304):
            return
        openapi().validate_response(request, RequestsOpenAPIResponse(response))
    else:
        error_schema_validator().validate(response.json())


class Recorder:
    """A requests response hook that keeps every exchange of a session."""

    def __init__(self):
        self.responses = []

    def attach(self, session):
        session.hooks["response"].append(lambda r, *a, **k: self.responses.append(r))
        return session
