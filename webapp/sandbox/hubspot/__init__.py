"""A local HubSpot: OAuth, CRM objects, search, associations, schema, limits, webhooks.

It imports nothing of the product, keeps its world in memory behind one lock, and is driven
by a control API under /_sandbox/ (control.py for the world, operations.py for the machinery)
so tests and demos can act as HubSpot users.
"""

from __future__ import annotations

import pickle
import threading
from collections import Counter
from pathlib import Path

from flask import Flask, g, jsonify, redirect, request
from werkzeug.exceptions import HTTPException

from ..persistence import StateFile, code_fingerprint
from . import settings as settings_module
from .errors import ApiFailure, render
from .faults import Faults
from .gateway import bearer
from .legacy import add_legacy_paths
from .ratelimit import RollingWindow
from .ratelimit import headers as rate_headers
from .state import Clock, State
from .webhooks import Emitter

PACKAGE = Path(__file__).resolve().parent
API_PREFIXES = (
    "/crm/",
    "/files/",
    "/appinstalls/",
    "/oauth/v1/",
    "/oauth/v3/",
    "/oauth/20",
    "/account-info/",
)


class Sandbox:
    """The sandbox's moving parts, kept on app.extensions["hubspot_sandbox"]."""

    def __init__(self, settings: dict):
        self.settings = settings
        self._initial = dict(settings)  # what /_sandbox/reset returns the settings to
        self.clock = settings["clock"] or Clock()
        self.state = State(self.clock)
        self.rate_limit = RollingWindow(
            self.clock, settings["rate_limit_max"], settings["rate_limit_interval_ms"]
        )
        self.search_limit = RollingWindow(self.clock, settings["search_per_second"], 1000)
        self.faults = Faults(settings["seed"])
        self.webhooks = Emitter(self)
        self.log: list[dict] = []
        self._log_lock = threading.Condition()
        self.saved = None  # a StateFile when the world is kept between runs
        if settings["state_file"]:
            self.saved = StateFile(
                Path(settings["state_file"]), code_fingerprint(PACKAGE), self._snapshot
            )
            if settings["fresh"]:
                self.saved.forget()
            loaded = self.saved.load()
            if loaded is not None:
                loaded.attach(self.clock)
                self.state = loaded

    def _snapshot(self) -> bytes:
        with self.state.lock:
            return pickle.dumps(self.state)

    def record_request(self, entry: dict) -> None:
        with self._log_lock:
            self.log.append(entry)
            self._log_lock.notify_all()

    def wait_for_request(self, predicate, timeout: float = 5.0) -> bool:
        """Block until some logged request satisfies predicate; a held request logs late."""
        with self._log_lock:
            return self._log_lock.wait_for(lambda: any(predicate(e) for e in self.log), timeout)

    def request_log(self, portal_id: int | None = None) -> dict:
        """Return the API calls seen, and a count per endpoint ("METHOD /rule")."""
        with self._log_lock:
            entries = [e for e in self.log if portal_id in (None, e["portalId"])]
        return {"requests": entries, "counts": dict(Counter(e["endpoint"] for e in entries))}

    def portal_of(self, token: str | None) -> int | None:
        """Return the portal an access token belongs to, for requests refused before auth."""
        info = self.state.access_tokens.get(token or "")
        return info["portal"] if info else None

    def clear_log(self) -> None:
        with self._log_lock:
            self.log.clear()

    def reset(self) -> None:
        """Forget every portal, token, fault, queued webhook, logged request and setting
        changed through the control API."""
        from .operations import TUNABLE

        self.settings.update({key: self._initial[key] for key in TUNABLE.values()})
        self.webhooks.clear()
        with self.state.lock:
            self.state.__init__(self.clock)
        self.rate_limit.configure(
            self.settings["rate_limit_max"], self.settings["rate_limit_interval_ms"]
        )
        self.search_limit.configure(self.settings["search_per_second"], 1000)
        self.faults.clear()
        self.clear_log()


def create_app(settings: dict | None = None) -> Flask:
    """Build the sandbox app; `settings` overrides settings.DEFAULTS."""
    app = Flask(__name__)
    app.json.sort_keys = False
    sb = Sandbox(settings_module.merged(settings))
    app.extensions["hubspot_sandbox"] = sb

    from . import (
        account_info,
        associations,
        batches,
        control,
        control_lifecycle,
        fetch,
        files,
        oauth,
        objects,
        operations,
        pipelines,
        portals_page,
        properties,
        search,
        settings_page,
    )

    for module in (
        oauth,
        objects,
        batches,
        search,
        files,
        associations,
        properties,
        pipelines,
        account_info,
        control,
        control_lifecycle,
        operations,
        fetch,
        portals_page,
        settings_page,
    ):
        app.register_blueprint(module.bp)
    add_legacy_paths(app)

    @app.before_request
    def inject_faults():
        if request.path.startswith(API_PREFIXES):
            sb.faults.apply(request.method, request.path)

    @app.after_request
    def finish(response):
        remaining = g.pop("rate_remaining", None)
        if remaining is not None:
            response.headers.update(
                rate_headers(sb.rate_limit.limit, int(sb.rate_limit.interval * 1000), remaining)
            )
        if request.path.startswith(API_PREFIXES):
            rule = request.url_rule.rule if request.url_rule else request.path
            portal = g.get("portal")
            sb.record_request(
                {
                    "method": request.method,
                    "path": request.path,
                    "endpoint": f"{request.method} {rule}",
                    "status": response.status_code,
                    "portalId": portal.id if portal else sb.portal_of(bearer()),
                    "at": sb.clock.now(),
                }
            )
        return response

    app.register_error_handler(ApiFailure, render)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/_sandbox/") or not request.path.startswith("/oauth/authorize"):
            return render(
                ApiFailure(
                    exc.code or 500,
                    exc.description or exc.name,
                    "OBJECT_NOT_FOUND" if exc.code == 404 else "VALIDATION_ERROR",
                )
            )
        return exc

    @app.get("/")
    def index():
        # A person (a browser) lands on the portal page; a program gets where things are.
        if request.accept_mimetypes.accept_html:
            return redirect("/portals")
        return jsonify(
            {"service": "HubSpot sandbox", "control": "/_sandbox/portals", "portals": "/portals"}
        )

    @app.after_request
    def remember(response):
        # Any write (an API call, a consent, a control call) may have changed the world.
        if sb.saved is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            sb.saved.changed()
        return response

    if sb.settings.get("demo") and not (sb.saved and sb.state.portals):
        from .demo import seed_demo

        seed_demo(app)
        if sb.saved is not None:
            sb.saved.save()
    if sb.saved is not None:
        sb.saved.start()
    return app


def seed_demo(app: Flask) -> dict:
    """Seed the demo portals into an app made by create_app; return what was made."""
    from .demo import seed_demo as seed

    return seed(app)
