"""HubSpot's official 2026-03 OpenAPI specs, loaded for openapi-core with practice-driven fixes.

Tests may read ../shared; the sandbox never does. Where the spec contradicts HubSpot's
documented practice, `practice.follow_practice` patches the spec and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound, ServerNotFound
from openapi_core.templating.paths.finders import APICallPathFinder

from .practice import follow_practice

SPECS = Path(__file__).resolve().parents[4] / "shared" / "specs" / "hubspot"
FILES = [
    "auth-oauth__2026-03__r279897__oauth.json",
    "auth-oauth__v3__r279897__oauth.json",
    "crm-app-uninstalls__2026-03__r209039__appUninstalls.json",
    "crm-companies__2026-03__r424__companies.json",
    "crm-contacts__2026-03__r424__contacts.json",
    "crm-deals__2026-03__r424__deals.json",
    "crm-products__2026-03__r424__products.json",
    "crm-line-items__2026-03__r424__lineItems.json",
    "crm-notes__2026-03__r424__notes.json",
    "crm-associations__2026-03__r130902__associations.json",
    "crm-properties__2026-03__r145899__properties.json",
    "crm-pipelines__2026-03__r145896__pipelines.json",
    "files__2026-03__r140950__files.json",
]
# Paths these specs describe; everything the sandbox serves under them must match one.
SPECCED = (
    "/crm/objects/2026-03/",
    "/crm/associations/2026-03/",
    "/crm/properties/2026-03/",
    "/crm/pipelines/2026-03/",
    "/files/2026-03/",
    "/oauth/2026-03/",
    "/oauth/v3/",
    "/appinstalls/2026-03/",
)


def load(name: str, *, practice: bool = True) -> dict:
    """Return one spec file as a dict, patched to HubSpot's practice unless told otherwise."""
    spec = json.loads((SPECS / name).read_text())
    return follow_practice(spec) if practice else spec


@dataclass(frozen=True)
class Exchange:
    """One validated request/response pair: which operation of which spec it was."""

    method: str
    route: str
    status: int
    spec: str


class SpecBook:
    """Validate real request/response pairs against whichever spec describes the path."""

    def __init__(self, base_url: str):
        self.apis = []
        for name in FILES:
            spec = load(name)
            spec["servers"] = [{"url": base_url}]
            api = OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))
            self.apis.append((name, api, APICallPathFinder(api.spec)))

    @staticmethod
    def specced(url: str) -> bool:
        return urlsplit(url).path.startswith(SPECCED)

    def locate(self, prepared):
        """Return (spec name, api, route template) for a request, or raise AssertionError."""
        for name, api, finder in self.apis:
            try:
                found = finder.find(prepared.method.lower(), prepared.url.split("?")[0])
            except (PathNotFound, OperationNotFound, ServerNotFound):
                continue
            return name, api, found.path.parts[-1]
        raise AssertionError(f"no spec describes {prepared.method} {prepared.url}")

    def check(self, response, *, strict_request: bool = True) -> Exchange:
        """Validate one exchange; raise on a mismatch.

        With strict_request the request itself must match the spec (the product's client).
        Without it a request the spec calls invalid is fine as long as the sandbox refused
        it with a 4xx, as HubSpot would: tests send bad requests on purpose.
        """
        name, api, route = self.locate(response.request)
        request = RequestsOpenAPIRequest(response.request)
        try:
            api.validate_request(request)
        except Exception as exc:
            if strict_request or not 400 <= response.status_code < 500:
                raise AssertionError(
                    f"request does not match {name}: {exc} {getattr(exc, '__cause__', '')}"
                ) from exc
        api.validate_response(request, RequestsOpenAPIResponse(response))
        return Exchange(response.request.method, route, response.status_code, name)

    def problems(self, responses, *, strict_request: bool = False) -> list[str]:
        """Check every exchange; return one line per mismatch (empty when all conform)."""
        found = []
        for response in responses:
            try:
                self.check(response, strict_request=strict_request)
            except Exception as exc:  # collect every mismatch, then fail once
                cause = getattr(exc, "__cause__", None) or ""
                found.append(
                    f"{response.request.method} {response.request.path_url} -> "
                    f"{response.status_code}: {type(exc).__name__}: {exc} {cause} "
                    f"{response.text[:300]}"
                )
        return found
