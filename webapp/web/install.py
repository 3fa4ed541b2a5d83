"""Installing from HubSpot: the authorize redirect, the OAuth callback, and uninstalling.

Authlib's Flask client keeps the OAuth state in the session and checks it on the way back,
so a forged, stale or replayed callback is refused before any code is exchanged.
"""

from __future__ import annotations

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, render_template, request
from requests import RequestException

from ..clients.errors import ApiError
from ..collaborators import CALL_TIMEOUT_WHILE_PERSON_WAITS
from ..portal.hubspot_app import OPTIONAL_SCOPES, REQUIRED_SCOPES
from ..portal.lifecycle import (
    InstallRefused,
    account_of,
    ensure_portal_properties,
    record_install,
    uninstall,
)
from .auth import current_installation, portal_required, sign_in, sign_out
from .collaborators import collaborators
from .forms import ConfirmForm
from .fragments import reshown_by
from .sessions import redirect_to

bp = Blueprint("install", __name__)


def init_app(app: Flask) -> None:
    """Register HubSpot with Authlib for this app.

    One registry per app rather than a module-level one: each app (and each test) has
    its own HubSpot address and credentials, and Authlib caches clients by name.
    """
    config = app.config
    registry = OAuth(app)
    registry.register(
        "hubspot",
        client_id=config["HUBSPOT_CLIENT_ID"],
        client_secret=config["HUBSPOT_CLIENT_SECRET"],
        authorize_url=f"{config['HUBSPOT_APP_BASE']}/oauth/authorize",
        access_token_url=(
            f"{config['HUBSPOT_API_BASE']}/oauth/{config['HUBSPOT_API_VERSION']}/token"
        ),
        client_kwargs={
            "scope": " ".join(REQUIRED_SCOPES),
            "token_endpoint_auth_method": "client_secret_post",
            # The code exchange runs while the user waits on the callback.
            "timeout": min(config["HTTP_TIMEOUT"], CALL_TIMEOUT_WHILE_PERSON_WAITS),
        },
    )
    app.register_blueprint(bp)


def _hubspot():
    return current_app.extensions["authlib.integrations.flask_client"].hubspot


def redirect_uri() -> str:
    """The callback address as HubSpot must know it: always from PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"] + "/oauth/callback"


@bp.get("/install")
def start():
    """Send the user to HubSpot's authorize page (also the Marketplace install button URL)."""
    return _hubspot().authorize_redirect(redirect_uri(), optional_scope=" ".join(OPTIONAL_SCOPES))


@bp.get("/oauth/callback")
def callback():
    """Finish the install: exchange the code, learn the portal, store it, open the setup."""
    if request.args.get("error"):
        reason = "denied" if request.args["error"] == "access_denied" else "hubspot_error"
        return _failed(reason, 400)
    if not request.args.get("code") or not request.args.get("state"):
        return _failed("bad_request", 400)
    try:
        token = _hubspot().authorize_access_token()
    except MismatchingStateError:
        return _failed("bad_state", 400)
    except OAuthError as exc:
        current_app.logger.info("HubSpot refused the install code: %s", exc.error)
        return _failed("code_refused", 400)
    except RequestException:
        return _failed("unreachable", 502)
    except (ValueError, TypeError, KeyError):
        # A 200 whose body is not a token (HTML, a list, a bad expires_in): HubSpot's fault.
        return _failed("bad_answer", 502)
    if not _is_token(token):
        return _failed("bad_answer", 502)
    c = collaborators()
    client = c.hubspot_for_token(token)
    try:
        info = client.introspect(token["access_token"])
        installation = record_install(c, dict(token), info, account_of(client))
    except ApiError as exc:
        current_app.logger.warning("could not introspect a new install: %s", exc)
        return _failed("unreachable", 502)
    except InstallRefused as exc:
        current_app.logger.warning("install refused: %s", exc.reason)
        return _failed("refused", 400)
    portal_id = installation["portal_id"]
    ensure_portal_properties(c, portal_id)
    sign_in(portal_id, installation["installed_by_user_id"], installation["installed_by_email"])
    return redirect_to("setup.step", name="hubspot")


def _is_token(token) -> bool:
    return isinstance(token, dict) and all(
        isinstance(token.get(key), str) and token[key] for key in ("access_token", "refresh_token")
    )


def _failed(reason: str, status: int):
    return render_template("install/failed.html", reason=reason), status


@bp.get("/account/uninstall")
@portal_required
def confirm_uninstall():
    """Ask before uninstalling: a real page, so it works without JavaScript."""
    return render_template(
        "install/uninstall_confirm.html",
        installation=current_installation(),
        grace_days=current_app.config["UNINSTALL_GRACE_DAYS"],
    )


@bp.post("/account/uninstall")
@reshown_by("install.confirm_uninstall")
@portal_required
def uninstall_app():
    """Uninstall from HubSpot; the portal's credentials go now, its data after the grace period."""
    if not ConfirmForm(request.form).validate():
        return redirect_to("install.confirm_uninstall")
    portal_id = current_installation()["portal_id"]
    try:
        uninstall(collaborators(), portal_id, tell_hubspot=True)
    except ApiError as exc:
        current_app.logger.warning("uninstall of portal %s failed: %s", portal_id, exc)
        return render_template("install/uninstall_failed.html"), 502
    sign_out()
    return render_template(
        "install/uninstalled.html", grace_days=current_app.config["UNINSTALL_GRACE_DAYS"]
    )
