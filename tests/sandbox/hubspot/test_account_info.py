"""The account information API: the 2026-03 details as the official spec has them, and the beta's
account name."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from .conftest import EMPTY, bearer, install
from .specbook import load

SPEC = "account-info__2026-03__r144923__accountInfo.json"
DETAILS = "/account-info/2026-03/details"
BETA = "/account-info/2027-03-beta/details"
SUMMER = datetime(2026, 7, 1, 12, tzinfo=timezone.utc).timestamp()
WINTER = datetime(2026, 1, 15, 12, tzinfo=timezone.utc).timestamp()


@pytest.fixture
def spec(base) -> OpenAPI:
    document = load(SPEC)
    document["servers"] = [{"url": base}]
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


def conforms(spec: OpenAPI, reply: requests.Response) -> requests.Response:
    """Validate one exchange, request and answer, against the 2026-03 spec; return the reply."""
    request = RequestsOpenAPIRequest(reply.request)
    spec.validate_request(request)
    spec.validate_response(request, RequestsOpenAPIResponse(reply))
    return reply


def at(base, clock, moment: float) -> dict:
    """Move the sandbox clock to `moment`, then install: a token minted then is still fresh."""
    clock.advance(moment - clock.now())
    return bearer(install(base))


def test_details_describe_the_demo_portal_as_the_spec_requires(spec, base, clock):
    headers = at(base, clock, SUMMER)
    reply = conforms(spec, requests.get(base + DETAILS, headers=headers))
    assert reply.json() == {
        "portalId": 4000001,
        "accountType": "STANDARD",
        "timeZone": "Europe/Oslo",
        "companyCurrency": "NOK",
        "additionalCurrencies": [],
        "uiDomain": "app-eu1.hubspot.com",
        "dataHostingLocation": "eu1",
        "utcOffset": "+02:00",
        "utcOffsetMilliseconds": 7_200_000,
    }
    assert requests.get(f"{base}/account-info/v3/details", headers=headers).json() == reply.json()


def test_the_utc_offset_follows_daylight_saving_on_the_sandbox_clock(base, clock):
    winter = requests.get(base + DETAILS, headers=at(base, clock, WINTER)).json()
    assert (winter["utcOffset"], winter["utcOffsetMilliseconds"]) == ("+01:00", 3_600_000)


def test_the_2027_03_beta_adds_the_accounts_name(spec, base, hs):
    """The beta's answer is the 2026-03 one plus an optional `portalName` ("The name of the
    portal"), per HubSpot's reference page for the beta:
    https://developers.hubspot.com/docs/api-reference/2027-03-beta/account/account-information/get-account-details.md
    """
    beta = hs.get(BETA).json()
    assert beta == dict(hs.get(DETAILS).json(), portalName="Nordisk Demo AS")
    other = install(base, EMPTY)
    assert (
        requests.get(base + BETA, headers=bearer(other)).json()["portalName"] == "Tom Testportal AS"
    )


def test_details_need_a_valid_token_and_answer_with_hubspots_error(spec, base):
    reply = conforms(spec, requests.get(base + DETAILS))
    assert reply.status_code == 401 and reply.json()["category"] == "INVALID_AUTHENTICATION"
    stale = conforms(spec, requests.get(base + DETAILS, headers={"Authorization": "Bearer x"}))
    assert stale.status_code == 401


def test_details_need_the_oauth_scope(spec, base, sb):
    sb.settings["required_scopes"] = []  # an install without `oauth`, which HubSpot requires
    narrow = install(base, scopes=["crm.objects.companies.read"])
    reply = conforms(spec, requests.get(base + DETAILS, headers=bearer(narrow)))
    assert reply.status_code == 403 and reply.json()["category"] == "MISSING_SCOPES"
    assert reply.json()["context"]["requiredGranularScopes"] == ["oauth"]
    assert requests.get(base + BETA, headers=bearer(narrow)).status_code == 403


def test_details_count_against_the_portals_rate_limit_and_show_in_the_request_log(base, hs):
    requests.post(f"{base}/_sandbox/limits", json={"rateLimitMax": 2})
    first = hs.get(DETAILS)
    assert first.headers["X-HubSpot-RateLimit-Remaining"] == "1"
    hs.get("/crm/objects/2026-03/companies?limit=1")
    limited = hs.get(BETA)
    assert limited.status_code == 429 and limited.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    counts = requests.get(f"{base}/_sandbox/requests").json()["counts"]
    assert counts['GET /account-info/<any("2026-03", "v3"):version>/details'] == 1
    assert counts["GET /account-info/2027-03-beta/details"] == 1
