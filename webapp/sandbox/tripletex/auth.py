"""Session tokens, Basic auth, accountant clients and entitlements."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import date

from flask import Blueprint, g, request

from . import dates, envelopes
from . import fields as fieldspec
from .errors import TripletexError, forbidden, missing_params, unauthorized, validation

bp = Blueprint("tripletex_auth", __name__)

BAD_CONSUMER = "The consumer token is invalid or does not exist."
# Same text for unknown, revoked and other-application tokens: the caller cannot tell apart.
BAD_EMPLOYEE = "The employee token is invalid or does not exist."


def entitled(group: str):
    """Mark a view as needing entitlement `group` (tokens may lack some)."""

    def mark(view):
        view.entitlement = group
        return view

    return mark


def accountant_ok(view):
    """Mark a view an accountant's token may call with Basic user 0."""
    view.accountant_ok = True
    return view


def public(view):
    """Mark a view that needs no session (session creation, the event list)."""
    view.public = True
    return view


def _create_session(params: dict, status: int):
    state = envelopes.state()
    missing = [p for p in ("consumerToken", "employeeToken", "expirationDate") if not params.get(p)]
    if missing:
        raise missing_params(*missing)
    if params["consumerToken"] != state.settings["consumer_token"]:
        raise validation("arg:consumerToken", BAD_CONSUMER)
    token = state.employee_tokens.get(params["employeeToken"])
    if (
        token is None
        or token["revoked"]
        or token["application_name"] != state.settings["application_name"]
    ):
        raise validation("arg:employeeToken", BAD_EMPLOYEE)
    expires = dates.parse(str(params["expirationDate"]))
    if expires is None:
        raise validation("arg:expirationDate", dates.BAD_DATE)
    if expires <= state.clock.today():
        raise validation("arg:expirationDate", "The expiration date must be later than today.")
    session_id = state.next_id("session")
    raw = json.dumps({"tokenId": session_id, "token": str(uuid.uuid4())}, separators=(",", ":"))
    secret = state.token_prefix() + base64.b64encode(raw.encode()).decode()
    state.sessions[secret] = {
        "id": session_id,
        "employee_token": token["token"],
        "expirationDate": expires.isoformat(),
    }
    host = request.host
    body = {
        "value": {
            "id": session_id,
            "version": 1,
            "url": f"{host}/v2/token/session/{session_id}",
            "consumerToken": {"id": 4945, "url": f"{host}/v2/token/consumer/4945"},
            "employeeToken": {"id": token["id"], "url": f"{host}/v2/token/employee/{token['id']}"},
            "expirationDate": expires.isoformat(),
            "token": secret,
            "encryptionKey": None,
        }
    }
    return body, status


@bp.put("/v2/token/session/:create")
@public
def create_session_put():
    return _create_session(request.args.to_dict(), 200)


@bp.post("/v2/token/session/:create")
@public
def create_session_post():
    if envelopes.state().settings.get("legacy_sessions_only"):
        # Before 2.74 only the PUT form existed; the route answered 405.
        raise TripletexError(405, 4000, "Method Not Allowed", headers={"Allow": "PUT"})
    return _create_session(request.get_json(silent=True) or {}, 201)


@bp.delete("/v2/token/session/<path:token>")
@accountant_ok
def delete_session(token):
    envelopes.state().sessions.pop(token, None)
    return "", 204


@bp.get("/v2/token/session/>whoAmI")
@accountant_ok
def who_am_i():
    state = envelopes.state()
    token = g.employee_token
    company_id = g.company_id
    info = {
        "employeeId": token["employee_id"],
        "actualEmployeeId": token["employee_id"],
        "employee": {"id": token["employee_id"]},
        "companyId": company_id,
        "company": {"id": company_id},
        "language": "no",
        "loggedInWithConnect": False,
        "employeeIsProxy": False,
    }
    shape = envelopes.shaper()
    out = {}
    spec = fieldspec.parse(request.args.get("fields"))
    for name in info if "*" in spec else []:
        out[name] = info[name]
    for name, sub in spec.items():
        if name == "*":
            continue
        if name not in info:
            raise TripletexError(400, 11000, f"Illegal field in fields filter: {name}.")
        out[name] = info[name]
    for name, kind in (("employee", "employee"), ("company", "company")):
        if name in out:
            obj = state.get(company_id, kind, info[name]["id"])
            sub = spec.get(name)
            out[name] = shape.shape(kind, obj, sub) if sub and obj else shape.stub(kind, info[name])
    return {"value": out}


def _basic_credentials() -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def employee_token_for_request() -> dict | None:
    """The employee token behind this request's session (for rate limiting), if known."""
    state = envelopes.state()
    creds = _basic_credentials()
    if creds:
        session = state.sessions.get(creds[1])
        return state.employee_tokens.get(session["employee_token"]) if session else None
    params = request.args.to_dict()
    if request.is_json:
        body = request.get_json(silent=True)
        params.update(body if isinstance(body, dict) else {})
    return state.employee_tokens.get(str(params.get("employeeToken", "")))


def authenticate(view) -> None:
    """Resolve session, company and entitlements into `g`, or raise 401/403."""
    state = envelopes.state()
    if getattr(view, "public", False):
        return
    creds = _basic_credentials()
    if creds is None:
        raise unauthorized("Mangler autentisering.")
    user, secret = creds
    session = state.sessions.get(secret)
    if session is None:
        raise unauthorized("Ugyldig eller utløpt sesjonstoken.")
    # The session dies at 00:00 Oslo time on its expirationDate.
    if state.clock.today() >= date.fromisoformat(session["expirationDate"]):
        raise unauthorized("Ugyldig eller utløpt sesjonstoken.")
    token = state.employee_tokens.get(session["employee_token"])
    if token is None or token["revoked"]:
        raise unauthorized("Ugyldig eller utløpt sesjonstoken.")
    g.employee_token = token
    clients = token.get("clients") or []
    try:
        company_id = token["company_id"] if user in ("", "0") else int(user)
    except ValueError:
        raise unauthorized("Ugyldig brukernavn.") from None
    if company_id != token["company_id"] and company_id not in clients:
        raise forbidden("Du har ikke tilgang til dette selskapet.")
    g.company_id = company_id
    # Naming its own company instead of 0 does not widen an accountant's token.
    if clients and company_id == token["company_id"] and not getattr(view, "accountant_ok", False):
        raise forbidden(
            "Company owned users(employeeToken) can only access "
            "/token/session/>whoAmI & /company/>withLoginAccess in their own "
            "company."
        )
    group = getattr(view, "entitlement", None)
    rights = token.get("entitlements")
    if group and rights is not None and group not in rights:
        raise forbidden(f"Du mangler tilgang ({group}).")
