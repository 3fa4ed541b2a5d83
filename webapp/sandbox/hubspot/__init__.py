"""A local HubSpot: OAuth, CRM objects, search, associations, schema, limits, webhooks.

It imports nothing of the product, keeps its world in memory behind one lock, and is driven
by a control API under /_sandbox/ (see control.py) so tests and demos can act as HubSpot users.
"""
from __future__ import annotations

import threading
from collections import Counter

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from . import settings as settings_module
from .errors import ApiFailure, render
from .faults import Faults
from .ratelimit import RollingWindow, headers as rate_headers
from .state import Clock, State
from .webhooks import Emitter

API_PREFIXES = ("/crm/", "/appinstalls/", "/oauth/v1/", "/oauth/v3/", "/oauth/20")


class Sandbox:
    """The sandbox's moving parts, kept on app.extensions["hubspot_sandbox"]."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.clock = settings["clock"] or Clock()
        self.state = State(self.clock)
        self.rate_limit = RollingWindow(self.clock, settings["rate_limit_max"],
                                        settings["rate_limit_interval_ms"])
        self.search_limit = RollingWindow(self.clock, settings["search_per_second"], 1000)
        self.faults = Faults(settings["seed"])
        self.webhooks = Emitter(self)
        self.log: list[dict] = []
        self._log_lock = threading.Lock()

    def record_request(self, entry: dict) -> None:
        with self._log_lock:
            self.log.append(entry)

    def request_log(self) -> dict:
        """Return the API calls seen, and a count per endpoint ("METHOD /rule")."""
        with self._log_lock:
            entries = list(self.log)
        return {"requests": entries, "counts": dict(Counter(e["endpoint"] for e in entries))}

    def reset(self) -> None:
        """Forget every portal, token, fault, queued webhook and logged request."""
        self.webhooks.clear()
        with self.state.lock:
            self.state.__init__(self.clock)
        self.rate_limit.reset()
        self.search_limit.reset()
        self.faults.clear()
        with self._log_lock:
            self.log.clear()


def create_app(settings: dict | None = None) -> Flask:
    """Build the sandbox app; `settings` overrides settings.DEFAULTS."""
    app = Flask(__name__)
    app.json.sort_keys = False
    sb = Sandbox(settings_module.merged(settings))
    app.extensions["hubspot_sandbox"] = sb

    from . import associations, control, fetch, objects, oauth, pipelines, properties, search
    for module in (oauth, objects, search, associations, properties, pipelines, control, fetch):
        app.register_blueprint(module.bp)

    @app.before_request
    def inject_faults():
        if request.path.startswith(API_PREFIXES):
            sb.faults.apply(request.method, request.path)

    @app.after_request
    def finish(response):
        remaining = g.pop("rate_remaining", None)
        if remaining is not None:
            response.headers.update(rate_headers(sb.settings["rate_limit_max"],
                                                 sb.settings["rate_limit_interval_ms"], remaining))
        if request.path.startswith(API_PREFIXES):
            rule = request.url_rule.rule if request.url_rule else request.path
            portal = g.get("portal")
            sb.record_request({"method": request.method, "path": request.path,
                               "endpoint": f"{request.method} {rule}",
                               "status": response.status_code,
                               "portalId": portal.id if portal else None,
                               "at": sb.clock.now()})
        return response

    app.register_error_handler(ApiFailure, render)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/_sandbox/") or not request.path.startswith("/oauth/authorize"):
            return render(ApiFailure(exc.code or 500, exc.description or exc.name,
                                     "OBJECT_NOT_FOUND" if exc.code == 404 else "VALIDATION_ERROR"))
        return exc

    @app.get("/")
    def index():
        return jsonify({"service": "HubSpot sandbox", "control": "/_sandbox/portals"})

    if sb.settings.get("demo"):
        from .demo import seed_demo
        seed_demo(app)
    return app


def seed_demo(app: Flask) -> dict:
    """Seed the demo portals into an app made by create_app; return what was made."""
    from .demo import seed_demo as seed
    return seed(app)
