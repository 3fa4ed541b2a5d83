"""What every CRM call goes through: bearer token, scopes, burst limits, the portal it acts on."""

from __future__ import annotations

import functools
import math

from flask import current_app, g, request

from .errors import ApiFailure
from .ratelimit import too_many


def sandbox():
    """Return the Sandbox behind the current app."""
    return current_app.extensions["hubspot_sandbox"]


def token_info(raw: str | None) -> dict:
    """Resolve a bearer token to its record, raising HubSpot's 401 when it is unusable."""
    sb = sandbox()
    if not raw:
        raise ApiFailure(
            401,
            "Authentication credentials not found. This API supports OAuth 2.0 "
            "authentication and you can find more details at "
            "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            "INVALID_AUTHENTICATION",
        )
    info = sb.state.access_tokens.get(raw)
    if info is None:
        raise ApiFailure(
            401,
            "The OAuth token used to make this call is invalid or has been revoked.",
            "INVALID_AUTHENTICATION",
        )
    overdue = sb.clock.now() - info["expires_at"]
    if overdue >= 0:
        minutes = max(1, math.ceil(overdue / 60))
        raise ApiFailure(
            401,
            f"The OAuth token used to make this call expired {minutes} minute(s) ago.",
            "EXPIRED_AUTHENTICATION",
        )
    return info


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def require_scopes(granted: list, accepted: list) -> None:
    """Refuse with 403 MISSING_SCOPES unless one of the accepted scopes was granted."""
    if accepted and not set(accepted) & set(granted):
        raise ApiFailure(
            403,
            "This app hasn't been granted all required scopes to make this call. Read more "
            "about required scopes here: https://developers.hubspot.com/scopes.",
            "MISSING_SCOPES",
            errors=[
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": list(accepted)},
                }
            ],
            context={"requiredGranularScopes": list(accepted), "missingScopes": list(accepted)},
        )


def api(scopes, *, search: bool = False):
    """Decorate a view: authenticate, check scopes (a list or a function of the view's kwargs),
    apply the per-portal or per-token search limit, and put the portal on `g`."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(**kwargs):
            sb = sandbox()
            info = token_info(bearer())
            accepted = scopes(**kwargs) if callable(scopes) else scopes
            require_scopes(info["scopes"], accepted)
            if search:
                # Search has its own limit and sends no rate-limit headers [MIR-USAGE].
                if sb.search_limit.take(bearer()) is None:
                    raise too_many("SECONDLY")
            else:
                remaining = sb.rate_limit.take(info["portal"])
                if remaining is None:
                    raise too_many()
                g.rate_remaining = remaining
            with sb.state.lock:
                portal = sb.state.portals.get(info["portal"])
                if portal is None:
                    raise ApiFailure(
                        401, "The portal of this token no longer exists.", "INVALID_AUTHENTICATION"
                    )
                g.portal, g.token = portal, info
                g.source = ("INTEGRATION", str(sb.settings["app_id"]))
                return view(**kwargs)

        return wrapper

    return decorate


def json_body() -> dict:
    """Return the request's JSON object, or raise HubSpot's 400 for anything else."""
    body = request.get_json(silent=True)
    if not isinstance(body, (dict, list)):
        raise ApiFailure(
            400,
            "Invalid input JSON on line 1, column 1: Cannot build request "
            "from empty or malformed JSON",
            "VALIDATION_ERROR",
        )
    return body
