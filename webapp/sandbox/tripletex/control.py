"""Control API at /_sandbox/: companies and tokens, customer payments, clock, faults, log, reset."""
from __future__ import annotations

import random
from collections import Counter
from datetime import datetime

from flask import Blueprint, current_app, jsonify, request

from .. import demo_data
from . import faults, ledger, seed
from .demo import bank_account_number, seed_demo
from .envelopes import state as sandbox

bp = Blueprint("tripletex_control", __name__, url_prefix="/_sandbox")

TUNABLE = {"rate_limit", "rate_window", "omit_reset_on_429", "result_cap", "environment",
           "ignore_changed_since", "legacy_sessions_only", "webhook_retry_delays",
           "webhook_max_failures", "webhook_timeout"}


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _error(message: str, status: int = 400):
    return jsonify({"error": message}), status


@bp.get("/")
def index():
    return {"endpoints": sorted(str(r) for r in current_app.url_map.iter_rules()
                                if str(r).startswith("/_sandbox"))}


@bp.get("/companies")
def companies():
    state = sandbox()
    with state.lock:
        return {"companies": [seed.describe(state, c) for c in state.companies.values()]}


@bp.post("/companies")
def create_company():
    """Body: name, organizationNumber (default: a valid random one), bankAccountNumber ("" for
    none), tokens {label: token}, withAccountant (an accountant token reaching two new clients)."""
    state, body = sandbox(), _body()
    rng = random.Random()
    with state.lock:
        bank = body.get("bankAccountNumber")
        clients = []
        if body.get("withAccountant"):
            for n in (1, 2):
                clients.append(seed.create_company(
                    state, name=f"Klient {n} av {body.get('name', 'Regnskap AS')}",
                    organization_number=demo_data.make_org_number(rng),
                    bank_account_number=bank_account_number(rng))["id"])
        company = seed.create_company(
            state, name=body.get("name") or "Sandkasse AS",
            organization_number=body.get("organizationNumber") or demo_data.make_org_number(rng),
            bank_account_number=bank_account_number(rng) if bank is None else bank,
            tokens=dict(body.get("tokens") or {}, **({"accountant": None} if clients else {})),
            clients=clients or None)
        return seed.describe(state, company), 201


@bp.post("/companies/<int:company_id>/tokens")
def add_token(company_id):
    """Body: label, token (optional), entitlements (list of groups; omit for all)."""
    state, body = sandbox(), _body()
    with state.lock:
        company = state.companies.get(company_id)
        if company is None:
            return _error("no such company", 404)
        label = body.get("label") or "custom"
        token = seed.add_token(state, company, label, body.get("token") or
                               f"{state.token_prefix()}{label}-{random.getrandbits(64):016x}",
                               entitlements=body.get("entitlements"))
        return seed.describe(state, company)["tokens"][-1] | {"id": token["id"]}, 201


def _invoice(invoice_id: int):
    company_id, invoice = sandbox().find_anywhere("invoice", invoice_id)
    return company_id, invoice


@bp.get("/invoices")
def invoices():
    """Every invoice (optionally `?companyId=`), with whether it was sent to the customer."""
    state = sandbox()
    wanted = request.args.get("companyId", type=int)
    with state.lock:
        rows = [dict(_plain(invoice), companyId=company_id,
                     sentToCustomer=invoice.get("_sent", False),
                     sendType=invoice.get("_send_type", ""))
                for company_id in state.companies if wanted in (None, company_id)
                for invoice in state.table(company_id, "invoice").values()]
    return {"invoices": rows}


@bp.post("/invoices/<int:invoice_id>/pay")
def pay(invoice_id):
    """The customer pays: body amount (default: all outstanding), date (default today)."""
    state, body = sandbox(), _body()
    with state.lock:
        company_id, invoice = _invoice(invoice_id)
        if invoice is None:
            return _error("no such invoice", 404)
        try:
            amount = float(body.get("amount") or invoice["amountOutstanding"])
        except (TypeError, ValueError):
            return _error("amount must be a number")
        bank_type = next(iter(state.table(company_id, "paymentType")))
        ledger.pay(company_id, invoice, body.get("date") or state.clock.today().isoformat(),
                   body.get("paymentTypeId") or bank_type, amount)
        return _plain(invoice)


@bp.post("/invoices/<int:invoice_id>/credit")
def credit(invoice_id):
    """Credit the whole invoice: body date (default today), comment."""
    state, body = sandbox(), _body()
    with state.lock:
        company_id, invoice = _invoice(invoice_id)
        if invoice is None:
            return _error("no such invoice", 404)
        note = ledger.credit(company_id, invoice,
                             body.get("date") or state.clock.today().isoformat(),
                             body.get("comment", ""))
        return {"invoice": _plain(invoice), "creditNote": _plain(note)}


def _plain(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


@bp.route("/clock", methods=["GET", "POST"])
def clock():
    """Body: advanceSeconds, advanceDays, or set (ISO datetime with offset)."""
    state, body = sandbox(), _body()
    try:
        if "set" in body:
            target = datetime.fromisoformat(body["set"])
            if target.tzinfo is None:
                return _error("set needs a UTC offset, e.g. 2026-12-01T09:00:00+01:00")
            state.clock.advance((target - state.clock.now()).total_seconds())
        seconds = (float(body.get("advanceSeconds", 0))
                   + 86400 * float(body.get("advanceDays", 0)))
    except (TypeError, ValueError) as exc:
        return _error(f"bad clock change: {exc}")
    state.clock.advance(seconds)
    return {"now": state.clock.now().isoformat(), "today": state.clock.today().isoformat()}


@bp.route("/faults", methods=["GET", "POST", "DELETE"])
def fault_settings():
    state = sandbox()
    if request.method == "DELETE":
        state.faults.clear()
    elif request.method == "POST":
        try:
            faults.configure(state, _body())
        except ValueError as exc:
            return _error(str(exc))
    return {"faults": dict(state.faults)}


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Tune rate limits, the result cap and webhook retries at run time."""
    state, body = sandbox(), _body()
    unknown = set(body) - TUNABLE
    if unknown:
        return _error(f"not tunable: {', '.join(sorted(unknown))}")
    if body.get("environment", "production") not in ("production", "test"):
        return _error("environment is production or test")
    state.settings.update(body)
    state.rate_buckets.clear()
    return {k: state.settings[k] for k in sorted(TUNABLE)}


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
