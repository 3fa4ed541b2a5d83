"""OAuth: install page, token grants and their errors, introspection, revocation, uninstall."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from .conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO,
    EMPTY,
    REDIRECT,
    SCOPES,
    authorize,
    bearer,
    exchange,
    install,
    refresh,
)


def _authorize_url(base, **overrides):
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": " ".join(SCOPES),
        "optional_scope": "crm.objects.line_items.read",
        "state": "s1",
        **overrides,
    }
    return f"{base}/oauth/authorize?{urlencode(params)}"


def test_authorize_page_lists_portals_and_requested_scopes_with_real_form_buttons(base):
    page = requests.get(_authorize_url(base))
    assert page.status_code == 200
    assert "Nordisk Demo AS" in page.text and "Tom Testportal AS" in page.text
    for scope in SCOPES + ["crm.objects.line_items.read"]:
        assert f"<code>{scope}</code>" in page.text
    assert '<form method="post"' in page.text
    assert 'value="allow">Allow and install</button>' in page.text
    assert 'value="cancel">Cancel</button>' in page.text


def test_authorize_refuses_without_redirect_an_unknown_client_bad_redirect_or_missing_scope(base):
    for overrides in (
        {"client_id": "someone-else"},
        {"redirect_uri": "https://evil.example/cb"},
        {"scope": "crm.objects.contacts.read"},
    ):  # lacks required oauth scope
        page = requests.get(_authorize_url(base, **overrides), allow_redirects=False)
        assert page.status_code == 400 and "Location" not in page.headers
        assert 'data-error="invalid_request"' in page.text


def test_account_specific_install_url_offers_only_that_account(base):
    page = requests.get(
        _authorize_url(base).replace("/oauth/authorize", f"/oauth/{EMPTY}/authorize")
    )
    assert page.status_code == 200
    assert "Tom Testportal AS" in page.text and "Nordisk Demo AS" not in page.text


def test_optional_scopes_are_granted_next_to_the_required_ones(base):
    code = authorize(base, optional=["crm.objects.owners.read"])
    assert exchange(base, code).json()["scopes"] == SCOPES + ["crm.objects.owners.read"]


def test_cancel_redirects_with_access_denied_and_state(base):
    reply = requests.post(
        f"{base}/oauth/authorize",
        data={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "scope": " ".join(SCOPES),
            "state": "s2",
            "portal_id": DEMO,
            "decision": "cancel",
        },
        allow_redirects=False,
    )
    query = parse_qs(urlsplit(reply.headers["Location"]).query)
    assert reply.status_code == 302
    assert query["error"] == ["access_denied"] and query["state"] == ["s2"]
    assert query["error_description"][0]


def test_code_exchange_returns_the_documented_token_and_the_code_is_single_use(base):
    code = authorize(base)
    first = exchange(base, code)
    body = first.json()
    assert first.status_code == 200
    assert body["token_type"] == "bearer" and body["token_use"] == "access_token"
    assert body["expires_in"] == 1800 and body["hub_id"] == DEMO
    assert isinstance(body["user_id"], int) and body["scopes"] == SCOPES
    assert body["access_token"] and body["refresh_token"]
    assert len(body["access_token"]) <= 512  # the documented upper bound
    again = exchange(base, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_a_code_expires_and_must_come_back_with_its_redirect_uri(base, clock):
    wrong = exchange(base, authorize(base), redirect="http://127.0.0.1:5000/elsewhere")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    late = authorize(base)
    clock.advance(601)
    expired = exchange(base, late)
    assert expired.status_code == 400 and expired.json()["status"] == "BAD_AUTH_CODE"


def test_bad_client_secret_and_unknown_grant_type_get_rfc6749_errors(base, token):
    bad_secret = requests.post(
        f"{base}/oauth/2026-03/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": CLIENT_ID,
            "client_secret": "guess",
        },
    )
    assert bad_secret.status_code == 400 and bad_secret.json()["error"] == "invalid_client"
    odd = requests.post(
        f"{base}/oauth/2026-03/token",
        data={"grant_type": "password", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert odd.json()["error"] == "unsupported_grant_type" and odd.json()["message"]


def test_token_endpoint_answers_on_v1_v3_and_date_versioned_paths(base):
    for path in ("/oauth/v1/token", "/oauth/v3/token", "/oauth/2026-03/token"):
        assert exchange(base, authorize(base), path).status_code == 200


def test_refresh_grant_issues_a_new_access_token_and_keeps_the_refresh_token(base, token):
    reply = refresh(base, token["refresh_token"])
    body = reply.json()
    assert reply.status_code == 200
    assert body["access_token"] != token["access_token"] and body["expires_in"] == 1800
    assert body["refresh_token"] == token["refresh_token"]


def test_refresh_tokens_rotate_when_the_sandbox_is_told_to(base, token, sb):
    # UNCONFIRMED whether HubSpot rotates (brief §1.2); the sandbox keeps them unless asked.
    sb.settings["rotate_refresh_tokens"] = True
    rotated = refresh(base, token["refresh_token"]).json()
    assert rotated["refresh_token"] != token["refresh_token"]
    assert refresh(base, token["refresh_token"]).json()["error"] == "invalid_grant"
    assert refresh(base, rotated["refresh_token"]).status_code == 200


def test_bad_refresh_token_gets_rfc6749_error_with_legacy_fields(base):
    reply = requests.post(
        f"{base}/oauth/2026-03/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "nope",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    body = reply.json()
    assert reply.status_code == 400
    assert body["error"] == "invalid_grant" and body["status"] == "BAD_REFRESH_TOKEN"
    assert body["error_description"] == body["message"]


def test_client_credentials_in_a_basic_header_are_refused(base, token):
    reply = requests.post(
        f"{base}/oauth/2026-03/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
    )
    assert reply.status_code == 400 and reply.json()["error"] == "invalid_client"


def test_introspection_describes_access_and_refresh_tokens(base, token):
    def look(value, hint):
        return requests.post(
            f"{base}/oauth/2026-03/token/introspect",
            data={
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "token": value,
                "token_type_hint": hint,
            },
        ).json()

    access = look(token["access_token"], "access_token")
    assert access["active"] and access["token_use"] == "access_token"
    assert access["hub_id"] == DEMO and access["app_id"] == 1000001
    assert access["signed_access_token"]["hubId"] == DEMO and 0 < access["expires_in"] <= 1800
    refresh = look(token["refresh_token"], "refresh_token")
    assert refresh["active"] and refresh["token_use"] == "refresh_token"
    assert look("unknown", "access_token") == {"active": False}


def test_revoke_kills_the_refresh_token_but_not_issued_access_tokens(base, token, hs):
    reply = requests.post(
        f"{base}/oauth/2026-03/token/revoke",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "token": token["refresh_token"],
            "token_type_hint": "refresh_token",
        },
    )
    assert reply.status_code == 200
    refresh = requests.post(
        f"{base}/oauth/2026-03/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert refresh.json()["error"] == "invalid_grant"
    assert hs.get("/crm/objects/2026-03/companies").status_code == 200


def test_v1_metadata_endpoints_describe_tokens(base, token):
    meta = requests.get(f"{base}/oauth/v1/access-tokens/{token['access_token']}").json()
    assert meta["hub_id"] == DEMO and meta["hub_domain"] == "nordisk-demo.no"
    assert (
        requests.delete(f"{base}/oauth/v1/refresh-tokens/{token['refresh_token']}").status_code
        == 204
    )
    assert (
        requests.get(f"{base}/oauth/v1/refresh-tokens/{token['refresh_token']}").status_code == 404
    )


@pytest.mark.parametrize("version", ["2026-03", "v3"])
def test_uninstall_returns_204_and_invalidates_only_that_portals_tokens(base, token, hs, version):
    other = install(base, EMPTY)
    reply = hs.delete(f"/appinstalls/{version}/external-install")
    assert reply.status_code == 204 and reply.content == b""
    assert hs.get("/crm/objects/2026-03/companies").status_code == 401
    refresh = requests.post(
        f"{base}/oauth/2026-03/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    ).json()
    assert refresh["status"] == "BAD_REFRESH_TOKEN"
    still = requests.get(f"{base}/crm/objects/2026-03/companies", headers=bearer(other))
    assert still.status_code == 200


def test_expired_and_unknown_tokens_get_401_with_hubspots_categories(base, token, hs, clock):
    assert (
        requests.get(f"{base}/crm/objects/2026-03/companies").json()["category"]
        == "INVALID_AUTHENTICATION"
    )
    clock.advance(1801)
    expired = hs.get("/crm/objects/2026-03/companies")
    assert expired.status_code == 401 and expired.json()["category"] == "EXPIRED_AUTHENTICATION"


def test_missing_scope_gets_403_naming_the_scopes(base):
    narrow = install(base, scopes=["oauth", "crm.objects.companies.read"])
    reply = requests.get(
        f"{base}/crm/objects/2026-03/deals",
        headers={"Authorization": f"Bearer {narrow['access_token']}"},
    )
    body = reply.json()
    assert reply.status_code == 403 and body["category"] == "MISSING_SCOPES"
    assert body["context"]["missingScopes"] == ["crm.objects.deals.read"]
    assert body["status"] == "error" and body["correlationId"]
