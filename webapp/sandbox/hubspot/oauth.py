"""OAuth as HubSpot runs it: the install page, tokens, introspection, revocation, uninstall."""

from __future__ import annotations

import secrets
import uuid
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, render_template, request

from .gateway import api, sandbox
from .state import Portal

bp = Blueprint("hubspot_oauth", __name__, template_folder="templates")
VERSIONS = 'any("v1", "v3", "2026-03", "2026-09")'


def _refuse(status: int, error: str, message: str):
    return render_template("hubspot_sandbox/error.html", error=error, message=message), status


def _check_install_request(params) -> tuple[list, str | None]:
    """Return (granted scopes, None) or ([], reason) for an install URL's parameters."""
    settings = sandbox().settings
    if params.get("client_id") != settings["client_id"]:
        return [], "The client_id is not that of any app in this account."
    if params.get("redirect_uri") not in settings["redirect_uris"]:
        return [], "The redirect_uri does not match any redirect URL configured for the app."
    requested = params.get("scope", "").split()
    missing = [s for s in settings["required_scopes"] if s not in requested]
    if missing:
        return [], "The install URL is missing required scopes: " + " ".join(missing)
    optional = [s for s in params.get("optional_scope", "").split() if s not in requested]
    return requested + optional, None


@bp.get("/oauth/authorize")
@bp.get("/oauth/<int:account_id>/authorize")
def authorize(account_id: int | None = None):
    """Show the account picker and consent screen (real forms; no JavaScript needed)."""
    scopes, problem = _check_install_request(request.args)
    if problem:
        return _refuse(400, "invalid_request", problem)
    sb = sandbox()
    with sb.state.lock:
        portals = [p for p in sb.state.portals.values() if account_id in (None, p.id)]
    carried = {
        k: request.args[k]
        for k in ("client_id", "redirect_uri", "scope", "optional_scope", "state")
        if k in request.args
    }
    return render_template(
        "hubspot_sandbox/authorize.html",
        portals=portals,
        scopes=scopes,
        carried=carried,
        chosen=account_id,
        app_name=sb.settings["app_name"],
    )


@bp.post("/oauth/authorize")
def decide():
    """Redirect back to the app with a code, or with access_denied when the user cancels."""
    scopes, problem = _check_install_request(request.form)
    if problem:
        return _refuse(400, "invalid_request", problem)
    back = {"state": request.form["state"]} if request.form.get("state") else {}
    target = request.form["redirect_uri"]
    if request.form.get("decision") != "allow":
        query = {"error": "access_denied", "error_description": "The user cancelled the install."}
        return redirect(f"{target}?{urlencode({**query, **back})}")
    sb = sandbox()
    with sb.state.lock:
        portal = sb.state.portals.get(int(request.form.get("portal_id") or 0))
        if portal is None:
            return _refuse(400, "invalid_request", "Choose an account to install the app in.")
        code = str(uuid.uuid4())
        sb.state.codes[code] = {
            "portal": portal.id,
            "user": portal.user()["id"],
            "scopes": scopes,
            "redirect_uri": target,
            "expires_at": sb.clock.now() + sb.settings["code_ttl"],
        }
    return redirect(f"{target}?{urlencode({'code': code, **back})}")


def oauth_error(error: str, description: str, status: str, http_status: int = 400):
    """RFC 6749 error plus HubSpot's legacy fields (and the Error schema's required ones)."""
    return jsonify(
        {
            "error": error,
            "error_description": description,
            "status": status,
            "message": description,
            "category": status,
            "correlationId": str(uuid.uuid4()),
        }
    ), http_status


def issue(portal: Portal, user_id: int, scopes: list, refresh: str | None = None) -> dict:
    """Mint an access token (and a refresh token unless one is kept) for a portal."""
    sb = sandbox()
    ttl = int(sb.settings["access_token_ttl"])
    access = "sbx-at-" + secrets.token_urlsafe(48)
    if refresh is None:
        refresh = "sbx-rt-" + str(uuid.uuid4())
        sb.state.refresh_tokens[refresh] = {"portal": portal.id, "user": user_id, "scopes": scopes}
    sb.state.access_tokens[access] = {
        "portal": portal.id,
        "user": user_id,
        "scopes": scopes,
        "expires_at": sb.clock.now() + ttl,
        "refresh": refresh,
    }
    return {
        "token_type": "bearer",
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": ttl,
        "token_use": "access_token",
        "hub_id": portal.id,
        "user_id": user_id,
        "scopes": scopes,
    }


@bp.post(f"/oauth/<{VERSIONS}:version>/token")
def token(version: str):
    """Exchange a code or a refresh token; client credentials only in the form body."""
    sb = sandbox()
    form = request.form
    if not form.get("client_id") and request.headers.get("Authorization", "").startswith("Basic"):
        return oauth_error(
            "invalid_client",
            "client_id and client_secret must be sent in the request body",
            "BAD_CLIENT_ID",
        )
    if form.get("client_id") != sb.settings["client_id"]:
        return oauth_error("invalid_client", "missing or unknown client_id", "BAD_CLIENT_ID")
    if form.get("client_secret") != sb.settings["client_secret"]:
        return oauth_error(
            "invalid_client", "missing or invalid client_secret", "BAD_CLIENT_SECRET"
        )
    grant = form.get("grant_type")
    with sb.state.lock:
        if grant == "authorization_code":
            code = sb.state.codes.pop(form.get("code", ""), None)  # single use
            if code is None or code["expires_at"] <= sb.clock.now():
                return oauth_error(
                    "invalid_grant",
                    "authorization code is invalid, expired or already used",
                    "BAD_AUTH_CODE",
                )
            if form.get("redirect_uri") != code["redirect_uri"]:
                return oauth_error(
                    "invalid_grant",
                    "redirect_uri does not match the one used to authorize",
                    "BAD_REDIRECT_URI",
                )
            portal = sb.state.portals[code["portal"]]
            portal.installed = True
            return jsonify(issue(portal, code["user"], code["scopes"]))
        if grant == "refresh_token":
            old = form.get("refresh_token", "")
            info = sb.state.refresh_tokens.get(old)
            if info is None or info["portal"] not in sb.state.portals:
                return oauth_error(
                    "invalid_grant",
                    "refresh token is invalid, expired or revoked",
                    "BAD_REFRESH_TOKEN",
                )
            keep = old
            if sb.settings["rotate_refresh_tokens"]:
                del sb.state.refresh_tokens[old]
                keep = None
            return jsonify(
                issue(sb.state.portals[info["portal"]], info["user"], info["scopes"], refresh=keep)
            )
    return oauth_error(
        "unsupported_grant_type", f"grant_type {grant!r} is not supported", "BAD_GRANT_TYPE"
    )


def _describe(raw: str, hint: str | None) -> dict | None:
    sb = sandbox()
    app_id = int(sb.settings["app_id"])
    access = sb.state.access_tokens.get(raw)
    if access and hint != "refresh_token" and access["expires_at"] > sb.clock.now():
        portal = sb.state.portals[access["portal"]]
        expires_at = int(access["expires_at"] * 1000)
        signed = {
            "expiresAt": expires_at,
            "scopes": "AAEAAAAQ==",
            "hubId": portal.id,
            "userId": access["user"],
            "appId": app_id,
            "signature": "sandbox",
            "scopeToScopeGroupPks": "",
            "newSignature": "sandbox",
            "hublet": "eu1",
            "trialScopes": "",
            "trialScopeToScopeGroupPks": "",
            "isUserLevel": False,
            "isPrivateDistribution": False,
            "isServiceAccount": False,
            "installingUserId": access["user"],
            "appInstallId": f"{app_id}-{portal.id}",
            "audience": sb.settings["client_id"],
        }
        return {
            "active": True,
            "token_use": "access_token",
            "token": raw,
            "hub_id": portal.id,
            "user_id": access["user"],
            "user": portal.user(access["user"])["email"],
            "client_id": sb.settings["client_id"],
            "app_id": app_id,
            "scopes": access["scopes"],
            "signed_access_token": signed,
            "expires_in": int(access["expires_at"] - sb.clock.now()),
            "is_private_distribution": False,
            "token_type": "access",
            "hub_domain": portal.domain,
        }
    refresh = sb.state.refresh_tokens.get(raw)
    if refresh and hint != "access_token":
        portal = sb.state.portals[refresh["portal"]]
        return {
            "active": True,
            "token_use": "refresh_token",
            "token": raw,
            "hub_id": portal.id,
            "user_id": refresh["user"],
            "user": portal.user(refresh["user"])["email"],
            "client_id": sb.settings["client_id"],
            "app_id": app_id,
            "scopes": refresh["scopes"],
            "token_type": "refresh",
            "hub_domain": portal.domain,
        }
    return None


def _client_ok(form) -> bool:
    settings = sandbox().settings
    return (
        form.get("client_id") == settings["client_id"]
        and form.get("client_secret") == settings["client_secret"]
    )


@bp.post(f"/oauth/<{VERSIONS}:version>/token/introspect")
def introspect(version: str):
    """Describe a token; an unknown or expired one is `{"active": false}` (RFC 7662)."""
    if not _client_ok(request.form):
        return oauth_error(
            "invalid_client", "missing or invalid client credentials", "BAD_CLIENT_ID", 401
        )
    with sandbox().state.lock:
        info = _describe(request.form.get("token", ""), request.form.get("token_type_hint"))
    return jsonify(info or {"active": False})


@bp.post(f"/oauth/<{VERSIONS}:version>/token/revoke")
def revoke(version: str):
    """Delete a refresh token; access tokens already issued stay valid (as v1 did)."""
    if not _client_ok(request.form):
        return oauth_error(
            "invalid_client", "missing or invalid client credentials", "BAD_CLIENT_ID", 401
        )
    with sandbox().state.lock:
        sandbox().state.refresh_tokens.pop(request.form.get("token", ""), None)
    return "", 200


@bp.get("/oauth/v1/access-tokens/<path:raw>")
@bp.get("/oauth/v1/refresh-tokens/<path:raw>")
def v1_metadata(raw: str):
    """The deprecated v1 token metadata lookups."""
    hint = "refresh_token" if "/refresh-tokens/" in request.path else "access_token"
    with sandbox().state.lock:
        info = _describe(raw, hint)
    if info is None:
        return oauth_error(
            "invalid_grant",
            "token is invalid, expired or revoked",
            "BAD_REFRESH_TOKEN" if hint == "refresh_token" else "BAD_ACCESS_TOKEN",
            404,
        )
    return jsonify({k: v for k, v in info.items() if k not in ("active", "token_use")})


@bp.delete("/oauth/v1/refresh-tokens/<path:raw>")
def v1_delete_refresh(raw: str):
    with sandbox().state.lock:
        sandbox().state.refresh_tokens.pop(raw, None)
    return "", 204


@bp.delete(f"/appinstalls/<{VERSIONS}:version>/external-install")
@api(["oauth"])
def uninstall(version: str):
    """Uninstall the app from the token's portal and invalidate all its tokens."""
    from flask import g

    sandbox().state.uninstall(g.portal.id)
    return "", 204
