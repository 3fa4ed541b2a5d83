"""Control API at /_sandbox/: companies and tokens, customer payments, exchange rates, the Peppol
registry, clock, faults, settings, log, reset."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timezone

from flask import Blueprint, current_app, jsonify, request

from .. import demo_data, inputs
from ..inputs import (
    BadInput,
    aware_datetime,
    boolean,
    choice,
    integer,
    iso_date,
    list_of,
    mapping,
    nullable,
    number,
    text,
)
from . import faults, seed
from .demo import bank_account_number, seed_demo
from .envelopes import state as sandbox

bp = Blueprint("tripletex_control", __name__, url_prefix="/_sandbox")

COUNT = integer(0, 1_000_000)
DAY = 86400
# Far enough for any test of overdue invoices, near enough that dates stay representable.
EARLIEST, LATEST = (datetime(y, 1, 1, tzinfo=timezone.utc) for y in (2000, 2100))

# What each view's body may hold (by view name; no entry: no fields). _check_input refuses
# anything else before the view runs, so a refused request changes nothing.
BODIES = {
    "create_company": {
        "name": text(max_length=255),
        "organizationNumber": text(0, 9, r"(\d{9})?", '9 digits, or "" for a random one'),
        "bankAccountNumber": text(0, 11, r"(\d{11})?", '11 digits, or "" for none'),
        "tokens": mapping(nullable(text(max_length=200))),
        "withAccountant": boolean(),
        "vatRegistered": boolean(),
    },
    "add_token": {
        "label": text(max_length=100),
        "token": text(max_length=200),
        "entitlements": list_of(text(max_length=100)),
    },
    "pay": {"amount": number(0.01, 1e12), "date": iso_date(), "paymentTypeId": integer(1)},
    "credit": {"date": iso_date(), "comment": text(0, 1000)},
    "clock": {
        "advanceSeconds": number(0, 3650 * DAY),
        "advanceDays": number(0, 3650),
        "set": aware_datetime(EARLIEST, LATEST),
    },
    "fault_settings": {  # meanings in faults.py
        "rate_limit_burst": COUNT,
        "server_errors": COUNT,
        "server_error_rate": number(0, 1),
        "seed": integer(-(2**63), 2**63 - 1),
        "latency_ms": number(0, 60_000),
        "timeouts": COUNT,
        "timeout_seconds": number(0, 300),
        "lost_responses": COUNT,
        "write_conflicts": COUNT,
        "conflict_code": choice(8000, 10000),
        "path_prefix": text(pattern="/.*", wanted="a path starting with /"),
    },
    "settings": {  # meanings in state.DEFAULT_SETTINGS
        "rate_limit": integer(1, 1_000_000),
        "rate_window": number(0.001, DAY),
        "omit_reset_on_429": boolean(),
        "result_cap": integer(1, 10_000_000),
        "environment": choice("production", "test"),
        "ignore_changed_since": boolean(),
        "legacy_sessions_only": boolean(),
        "webhook_retry_delays": list_of(number(0, DAY), max_items=20),
        "webhook_max_failures": integer(1, 1000),
        "webhook_timeout": number(0.001, 300),
        "webhook_delivery_delay": number(0, 3600),
        "subscription_propagation": number(0, 3600),
        "subscriptions_per_token": boolean(),
        "line_vat_from_product": boolean(),
        "charge_before_send_failure": boolean(),
        "email_send_needs_address": boolean(),
        "put_order_lines_need_flag": boolean(),
        "concurrent_write_conflicts": boolean(),
    },
    "rates": {"rates": mapping(mapping(number(0.0001, 1e6), max_items=5000), max_items=10)},
    "peppol": {"organizationNumbers": list_of(text(9, 9, r"\d{9}", "9 digits"), max_items=1000)},
    "reset": {"demo": boolean()},
}


@bp.before_request
def _check_input():
    """Refuse a body that is not what the view takes, before the view changes anything."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.endpoint:
        inputs.check(inputs.json_object(), BODIES.get(request.endpoint.rpartition(".")[2], {}))


@bp.errorhandler(BadInput)
def _bad_input(exc: BadInput):
    return _error(str(exc))


def _body() -> dict:
    """Return the body _check_input accepted."""
    return inputs.json_object()


def _error(message: str, status: int = 400):
    return jsonify({"error": message}), status


def _refuse_taken(state, secrets: list[str], field: str) -> None:
    """Raise BadInput if a token is given twice or already belongs to some company."""
    for index, secret in enumerate(secrets):
        if secret in state.employee_tokens or secret in secrets[:index]:
            raise BadInput(f"{field}: the token {secret!r} is already in use")


@bp.get("/")
def index():
    return {
        "endpoints": sorted(
            str(r) for r in current_app.url_map.iter_rules() if str(r).startswith("/_sandbox")
        )
    }


@bp.get("/companies")
def companies():
    state = sandbox()
    with state.lock:
        return {"companies": [seed.describe(state, c) for c in state.companies.values()]}


@bp.post("/companies")
def create_company():
    """Body: name, organizationNumber (default: a valid random one), bankAccountNumber ("" for
    none), tokens {label: token}, withAccountant (an accountant token reaching two new clients),
    vatRegistered (false: outside the VAT register, only code 6 on sales)."""
    state, body = sandbox(), _body()
    rng = random.Random()
    tokens = dict(body.get("tokens") or {})
    with state.lock:
        _refuse_taken(state, [t for t in tokens.values() if t], "tokens")
        if "accountant" in tokens and not body.get("withAccountant"):
            raise BadInput("tokens.accountant: only a company made withAccountant has one")
        bank = body.get("bankAccountNumber")
        clients = []
        if body.get("withAccountant"):
            for n in (1, 2):
                clients.append(
                    seed.create_company(
                        state,
                        name=f"Klient {n} av {body.get('name', 'Regnskap AS')}",
                        organization_number=demo_data.make_org_number(rng),
                        bank_account_number=bank_account_number(rng),
                    )["id"]
                )
        company = seed.create_company(
            state,
            name=body.get("name") or "Sandkasse AS",
            organization_number=body.get("organizationNumber") or demo_data.make_org_number(rng),
            bank_account_number=bank_account_number(rng) if bank is None else bank,
            tokens=tokens | ({"accountant": tokens.get("accountant")} if clients else {}),
            clients=clients or None,
            vat_registered=body.get("vatRegistered", True),
        )
        return seed.describe(state, company), 201


@bp.post("/companies/<int:company_id>/tokens")
def add_token(company_id):
    """Body: label, token (optional), entitlements (list of groups; omit for all)."""
    state, body = sandbox(), _body()
    with state.lock:
        company = state.companies.get(company_id)
        if company is None:
            return _error("no such company", 404)
        _refuse_taken(state, [body["token"]] if "token" in body else [], "token")
        groups = _entitlement_groups()
        unknown = sorted(set(body.get("entitlements") or ()) - groups)
        if unknown:
            raise BadInput(
                f"entitlements: no group {unknown[0]!r}; the groups are {', '.join(sorted(groups))}"
            )
        label = body.get("label") or "custom"
        token = seed.add_token(
            state,
            company,
            label,
            body.get("token") or f"{state.token_prefix()}{label}-{random.getrandbits(64):016x}",
            entitlements=body.get("entitlements"),
        )
        return seed.describe(state, company)["tokens"][-1] | {"id": token["id"]}, 201


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id):
    """Revoke an employee token, as its owner would in Tripletex: its sessions answer 401 and
    its webhook subscriptions deliver nothing more."""
    state = sandbox()
    with state.lock:
        token = next((t for t in state.employee_tokens.values() if t["id"] == token_id), None)
        if token is None:
            return _error("no such token", 404)
        token["revoked"] = True
        company = state.companies[token["company_id"]]
        return next(t for t in seed.describe(state, company)["tokens"] if t["id"] == token_id)


def _entitlement_groups() -> set[str]:
    """The entitlement groups some /v2 endpoint asks for (see auth.entitled)."""
    views = current_app.view_functions.values()
    return {v.entitlement for v in views if getattr(v, "entitlement", None)}


def _plain(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


@bp.route("/clock", methods=["GET", "POST"])
def clock():
    """Body: set (an ISO datetime with offset), then advanceSeconds and advanceDays from there."""
    state = sandbox()
    if request.method == "POST":
        body = _body()
        seconds = body.get("advanceSeconds", 0) + DAY * body.get("advanceDays", 0)
        if "set" in body:
            seconds += (datetime.fromisoformat(body["set"]) - state.clock.now()).total_seconds()
        state.clock.advance(seconds)
    return {"now": state.clock.now().isoformat(), "today": state.clock.today().isoformat()}


@bp.route("/faults", methods=["GET", "POST", "DELETE"])
def fault_settings():
    state = sandbox()
    if request.method == "DELETE":
        state.faults.clear()
    elif request.method == "POST":
        faults.configure(state, _body())
    return {"faults": dict(state.faults)}


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Tune rate limits, the result cap and webhook retries at run time."""
    state = sandbox()
    if request.method == "POST":
        state.settings.update(_body())
        state.rate_buckets.clear()
    return {k: state.settings[k] for k in sorted(BODIES["settings"])}


@bp.route("/requests", methods=["GET", "DELETE"])
def request_log():
    """Every /v2 call, and counts per endpoint ("GET /v2/customer/{id}")."""
    state = sandbox()
    if request.method == "DELETE":
        state.request_log.clear()
    log = list(state.request_log)
    return {"counts": dict(Counter(entry["endpoint"] for entry in log)), "requests": log}


@bp.get("/webhooks")
def deliveries():
    """Webhook deliveries; `?wait=1` first waits (up to 5 s) until none is in flight or due."""
    state = sandbox()
    if request.args.get("wait"):
        state.webhooks.wait_idle(5.0)
    with state.lock:
        return {"deliveries": [_plain(d) for d in state.deliveries]}


deliveries.unlocked = True


@bp.post("/reset")
def reset():
    """Forget everything; body {"demo": true} seeds the demo world again."""
    state = sandbox()
    state.webhooks.clear()
    state.reset()
    if _body().get("demo"):
        seed_demo(current_app._get_current_object())
    return {"companies": len(state.companies)}
