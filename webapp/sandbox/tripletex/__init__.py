"""Tripletex API v2 sandbox: a Flask app with in-memory, thread-safe state, served under /v2.

It imports nothing of the product's sync or storage code; the product talks to it as it would
to tripletex.no. The control API lives at /_sandbox/ (see control.py).
"""

from __future__ import annotations

import functools
import logging
import re
import time
import uuid
from pathlib import Path

from flask import Flask, current_app, g, request
from werkzeug.exceptions import HTTPException

from ..persistence import StateFile, code_fingerprint
from . import (
    auth,
    conflicts,
    control,
    control_money,
    currency,
    entities,
    events,
    faults,
    invoices,
    meta,
    orders,
    postings,
    ratelimit,
    web_app,
)
from .demo import seed_demo
from .errors import TripletexError, render
from .state import DEFAULT_SETTINGS, Clock, State
from .webhooks import Webhooks

__all__ = ["create_app", "seed_demo"]
CONTROL_VIEWS = (control, control_money)  # control_money adds its views to control.bp

log = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parent
HTTP_CODES = {400: 4000, 401: 3000, 403: 9000, 404: 6000, 405: 4000, 409: 8000, 500: 1000}


def create_app(settings: dict | None = None) -> Flask:
    """Build a sandbox; `settings` override DEFAULT_SETTINGS (see state.py)."""
    conf = dict(DEFAULT_SETTINGS)
    conf.update(settings or {})
    app = Flask(__name__)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    state = State(conf, Clock(conf.get("now")))
    state.webhooks = Webhooks(state)
    state.clock.listeners.append(state.webhooks.wake)
    app.extensions["tripletex_sandbox"] = state
    blueprints = (
        auth.bp,
        meta.bp,
        currency.bp,
        entities.bp,
        orders.bp,
        invoices.bp,
        postings.bp,
        events.bp,
        control.bp,
        web_app.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = _locked(state, view)
    app.before_request(_before)
    app.after_request(_after)
    app.register_error_handler(TripletexError, _render)
    app.register_error_handler(HTTPException, _http_error)
    state.saved = _state_file(conf, state)
    if conf.get("demo") and not state.companies:
        seed_demo(app)
        if state.saved is not None:
            state.saved.save()
    if state.saved is not None:
        app.after_request(_remember)
        state.saved.start()
    return app


def _state_file(conf: dict, state: State) -> StateFile | None:
    """The file that keeps the world between runs, its saved world already taken back."""
    if not conf.get("state_file"):
        return None
    saved = StateFile(Path(conf["state_file"]), code_fingerprint(PACKAGE), state.pickled)
    if conf.get("fresh"):
        saved.forget()
    world = saved.load()
    if world is not None:
        state.restore(world)
    return saved


def _remember(response):
    # Any write (an API call, a control call) may have changed the world.
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        _state().saved.changed()
    return response


def _locked(state: State, view):
    if getattr(view, "unlocked", False):
        return view  # it waits for the webhook thread, which needs the lock

    @functools.wraps(view)
    def run(*args, **kwargs):
        with state.lock:
            try:
                conflicts.check(state)
                return view(*args, **kwargs)
            finally:
                conflicts.stamp(state)

    return run


def _state() -> State:
    return current_app.extensions["tripletex_sandbox"]


def _before():
    g.request_id = str(uuid.uuid4())
    g.started = time.monotonic()
    if not request.path.startswith("/v2"):
        return
    state = _state()
    conflicts.arrived(state)  # before any wait for the lock
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    with state.lock:
        token = auth.employee_token_for_request()
    key = f"token:{token['id']}" if token else f"addr:{request.remote_addr}"
    # Counted first, so even an injected 5xx carries the rate-limit headers.
    g.rate_headers = ratelimit.check(state, key)
    faults.before(state)
    if view is not None:
        with state.lock:
            auth.authenticate(view)


def _after(response):
    response.headers["x-tlx-request-id"] = g.get("request_id", "")
    if response.status_code != 429:  # a 429 carries its own (maybe without the reset)
        for name, value in (g.get("rate_headers") or {}).items():
            response.headers.setdefault(name, value)
    state = _state()
    pending = g.pop("pending_events", [])
    if response.status_code < 400 or g.get("committed"):
        for company_id, event, kind, obj_id in pending:
            try:
                state.webhooks.emit(company_id, event, kind, obj_id, request.host)
            except Exception:  # a delivery that cannot be built must not fail the write
                log.exception("webhook for %s %s not built", event, obj_id)
    if request.path.startswith("/v2"):
        rule = (
            re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", request.url_rule.rule)
            if request.url_rule
            else request.path
        )
        endpoint = f"{request.method} {rule}"
        with state.lock:
            state.request_log.append(
                {
                    "at": state.clock.now().isoformat(),
                    "method": request.method,
                    "path": request.path,
                    "endpoint": endpoint,
                    "status": response.status_code,
                    "companyId": g.get("company_id"),
                    "requestId": g.get("request_id"),
                    "ms": round((time.monotonic() - g.get("started", time.monotonic())) * 1000, 1),
                }
            )
    if g.get("lose_response") and response.status_code < 400:
        return faults.lose(response)
    return response


def _render(error: TripletexError):
    # An error that leaves its write standing (a charged invoice whose send failed) still
    # fires the events of that write.
    g.committed = error.committed
    return render(error)


def _http_error(exc: HTTPException):
    error = TripletexError(exc.code or 500, HTTP_CODES.get(exc.code, 1000), exc.name)
    response = render(error)
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response
