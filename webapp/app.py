"""The Flask application factory: configuration, storage, extensions, blueprints, the queue."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db
from .clients.http import RedactingFilter
from .config import default_instance_path, load_config
from .crypto import SecretBox
from .extensions import csrf
from .jobs.queue import make_huey
from .jobs.tasks import declare
from .timeutil import SYSTEM_CLOCK

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, storage, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_path=str(default_instance_path()),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(load_config(app.instance_path, test_config))
    configure_logging(app.config["LOG_LEVEL"])
    if app.config["PROXY_COUNT"]:
        # Only the client address: URLs are built from PUBLIC_BASE_URL, never from headers.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=0, x_host=0, x_port=0, x_prefix=0
        )
    app.extensions["secret_box"] = SecretBox(app.config["ENCRYPTION_KEY"])
    app.extensions["clock"] = SYSTEM_CLOCK
    # The queue and its tasks, from this app's configuration: the pages enqueue, the worker
    # (`flask --app wsgi worker`) runs them.
    app.extensions["huey"] = make_huey(app.config)
    app.extensions["tasks"] = declare(app.extensions["huey"], app.config)

    db.init_app(app)
    csrf.init_app(app)

    from .web import (
        deal_settings,
        embedded,
        errors,
        home,
        hubspot_webhooks,
        i18n,
        install,
        problems,
        security,
        sessions,
        setup,
        sync_settings,
    )

    sessions.init_app(app)
    i18n.init_app(app)
    problems.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(home.bp)
    install.init_app(app)
    app.register_blueprint(setup.bp)
    app.register_blueprint(embedded.bp)
    app.register_blueprint(hubspot_webhooks.bp)
    app.register_blueprint(sync_settings.bp)
    app.register_blueprint(deal_settings.bp)
    # HubSpot signs what it sends; a CSRF token cannot travel with hubspot.fetch or a webhook.
    csrf.exempt(embedded.settings_session)
    csrf.exempt(hubspot_webhooks.receive)

    from .cli import register_cli

    register_cli(app)
    return app


def configure_logging(level: str) -> None:
    """Log to stderr with every record scrubbed of tokens."""
    root = logging.getLogger()
    if not any(isinstance(f, RedactingFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    root.setLevel(level)
