"""Configuration: defaults, then instance/config.py, then the environment, then test overrides.

Every key lives in DEFAULTS with a one-line description; the README's table is checked
against it by tests/test_config.py, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

ENV_PREFIX = "TXSYNC_"
INSECURE_SECRET_KEY = "dev-only-not-secret"

# Addresses of the local simulators; used when no HubSpot client id is configured.
SANDBOX_HUBSPOT_URL = "http://127.0.0.1:5001"
SANDBOX_TRIPLETEX_URL = "http://127.0.0.1:5002/v2"
# The sandbox HubSpot registers one app with these credentials (they guard nothing real).
SANDBOX_HUBSPOT_CLIENT_ID = "sandbox-client-id"
SANDBOX_HUBSPOT_CLIENT_SECRET = "sandbox-client-secret"
SANDBOX_HUBSPOT_APP_ID = "1000001"
SANDBOX_TRIPLETEX_CONSUMER_TOKEN = "sandbox-consumer-token"

TRIPLETEX_PRODUCTION = "https://tripletex.no/v2"
TRIPLETEX_TEST_ENVIRONMENT = "https://api-test.tripletex.tech/v2"

# key: (default, description). A default of None means "derived at start-up".
DEFAULTS: dict[str, tuple[object, str]] = {
    "SECRET_KEY": (
        INSECURE_SECRET_KEY,
        "Signs session cookies and CSRF tokens. Required outside sandbox mode.",
    ),
    "ENCRYPTION_KEY": (
        "",
        "Fernet key(s) for secrets at rest, comma-separated, newest first (old ones still "
        "decrypt). Required outside sandbox mode.",
    ),
    "DATABASE": (None, "Path of the SQLite database. Default: `instance/txsync.sqlite3`."),
    "QUEUE_DATABASE": (
        None,
        "Path of Huey's SQLite queue when `REDIS_URL` is unset. Default: `instance/queue.sqlite3`.",
    ),
    "REDIS_URL": (
        "",
        "Use Redis for the background queue instead of SQLite, e.g. `redis://127.0.0.1:6379/0`.",
    ),
    "PUBLIC_BASE_URL": (
        "http://127.0.0.1:5000",
        "The HTTPS address HubSpot and Tripletex reach; OAuth redirect, webhook and signature URLs "
        "derive from it.",
    ),
    "HUBSPOT_CLIENT_ID": ("", "The HubSpot app's client id. Empty means sandbox mode."),
    "HUBSPOT_CLIENT_SECRET": (
        "",
        "The HubSpot app's client secret (also verifies HubSpot's request signatures).",
    ),
    "HUBSPOT_APP_ID": ("", "The HubSpot app's numeric id."),
    "HUBSPOT_API_BASE": (
        None,
        "HubSpot's API host. Default `https://api.hubapi.com`, or the sandbox.",
    ),
    "HUBSPOT_APP_BASE": (
        None,
        "Where HubSpot's authorize page lives. Default `https://app.hubspot.com`, or the sandbox.",
    ),
    "HUBSPOT_API_VERSION": ("2026-03", "Date version used in HubSpot API paths."),
    "TRIPLETEX_API_BASE": (
        None,
        f"Tripletex API base. Default `{TRIPLETEX_PRODUCTION}`, or the sandbox; Tripletex's test "
        f"environment is `{TRIPLETEX_TEST_ENVIRONMENT}`.",
    ),
    "TRIPLETEX_CONSUMER_TOKEN": ("", "The consumer token Tripletex issued to this application."),
    "TRIPLETEX_APPLICATION_NAME": (
        "Tripletex Sync for HubSpot",
        "The application name Tripletex paired with the consumer token; users type it when "
        "creating their employee token.",
    ),
    "PLANS": (
        None,
        "Subscription plans as JSON: a list of `{id, name, price_nok, invoice_limit, features}` "
        '(`name` a string or `{"en": ..., "nb": ...}`; `invoice_limit` null = unlimited). Default: '
        "Free, Standard, Pro.",
    ),
    "SHOW_PLAN_STEP": (
        True,
        "Show the plan step in setup. An operator without billing sets this false (the first plan "
        "applies).",
    ),
    "PROXY_COUNT": (
        0,
        "How many reverse proxies (nginx, Caddy) stand in front of the app. Their "
        "`X-Forwarded-For` then names the client, whose attempts are limited per address; 0 trusts "
        "no such header.",
    ),
    "UNINSTALL_GRACE_DAYS": (30, "Days an uninstalled portal's data is kept before it is purged."),
    "RECONCILE_MINUTES": (
        15,
        "Minutes between reconciliations, which catch HubSpot changes a webhook missed (a full "
        "one runs nightly).",
    ),
    "HTTP_TIMEOUT": (
        30.0,
        "Seconds to wait for HubSpot or Tripletex before giving up on a request.",
    ),
    "HTTP_MAX_ATTEMPTS": (5, "Attempts per API request when the service answers 429 or 5xx."),
    "HTTP_MAX_WAIT": (
        60.0,
        "Longest single wait, in seconds, before retrying an API request, whatever the service's "
        "Retry-After asks (a page a person waits on waits at most 2 s).",
    ),
    "HTTP_INTERACTIVE_DEADLINE": (
        20.0,
        "Seconds a page may spend on all its calls to HubSpot and Tripletex while a person waits; "
        "past it the page says so and stores nothing half-done. Keep it well under the read "
        "timeout of the proxy in front.",
    ),
    "LOG_LEVEL": ("INFO", "Python logging level."),
    "MAX_CONTENT_LENGTH": (
        1024 * 1024,
        "Largest request body accepted, in bytes; anything larger is refused (413) before it is "
        "read. hubspot.fetch caps bodies at 1 MB.",
    ),
}

# Names are shown in the user's language (`name` may also be a plain string).
DEFAULT_PLANS = [
    {
        "id": "free",
        "name": {"en": "Free", "nb": "Gratis"},
        "price_nok": 0,
        "invoice_limit": 10,
        "features": ["companies_contacts", "products", "invoices"],
    },
    {
        "id": "standard",
        "name": "Standard",
        "price_nok": 349,
        "invoice_limit": 200,
        "features": ["companies_contacts", "products", "invoices", "payments", "pdf"],
    },
    {
        "id": "pro",
        "name": "Pro",
        "price_nok": 899,
        "invoice_limit": None,
        "features": [
            "companies_contacts",
            "products",
            "invoices",
            "payments",
            "pdf",
            "credit_notes",
            "priority_support",
        ],
    },
]

PRODUCTION_ENDPOINTS = {
    "HUBSPOT_API_BASE": "https://api.hubapi.com",
    "HUBSPOT_APP_BASE": "https://app.hubspot.com",
    "TRIPLETEX_API_BASE": TRIPLETEX_PRODUCTION,
}
SANDBOX_ENDPOINTS = {
    "HUBSPOT_API_BASE": SANDBOX_HUBSPOT_URL,
    "HUBSPOT_APP_BASE": SANDBOX_HUBSPOT_URL,
    "TRIPLETEX_API_BASE": SANDBOX_TRIPLETEX_URL,
}


def default_instance_path() -> Path:
    """The instance folder: TXSYNC_INSTANCE_PATH, else `instance/` beside the package."""
    override = os.environ.get(ENV_PREFIX + "INSTANCE_PATH")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "instance"


class UnsafeConfig(RuntimeError):
    """The configuration would run a real deployment insecurely."""


def load_config(
    instance_path: str | os.PathLike, test_config: dict | None = None, environ: dict | None = None
) -> dict:
    """Return the merged configuration; the worker uses this without a Flask app."""
    environ = os.environ if environ is None else environ
    instance_path = Path(instance_path)
    config = {key: default for key, (default, _) in DEFAULTS.items()}
    config.update(_read_instance_file(instance_path / "config.py"))
    config.update(_read_environment(environ))
    if test_config:
        config.update(test_config)
    config["TESTING"] = bool(config.get("TESTING"))
    return _derive(config, instance_path)


def _read_instance_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    namespace: dict = {"__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return {key: value for key, value in namespace.items() if key in DEFAULTS}


def _read_environment(environ) -> dict:
    values = {}
    for key, (default, _) in DEFAULTS.items():
        raw = environ.get(ENV_PREFIX + key)
        if raw is None:
            continue
        if key == "PLANS":
            values[key] = json.loads(raw)
        elif isinstance(default, bool):
            values[key] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif isinstance(default, int):
            values[key] = int(raw)
        elif isinstance(default, float):
            values[key] = float(raw)
        else:
            values[key] = raw
    return values


def _derive(config: dict, instance_path: Path) -> dict:
    config["SANDBOX_MODE"] = not config["HUBSPOT_CLIENT_ID"]
    endpoints = SANDBOX_ENDPOINTS if config["SANDBOX_MODE"] else PRODUCTION_ENDPOINTS
    for key, value in endpoints.items():
        if not config.get(key):
            config[key] = value
    config["DATABASE"] = config["DATABASE"] or str(instance_path / "txsync.sqlite3")
    config["QUEUE_DATABASE"] = config["QUEUE_DATABASE"] or str(instance_path / "queue.sqlite3")
    config["PUBLIC_BASE_URL"] = config["PUBLIC_BASE_URL"].rstrip("/")
    config["PLANS"] = check_plans(config["PLANS"] or DEFAULT_PLANS)
    for key in ("HUBSPOT_API_BASE", "HUBSPOT_APP_BASE", "TRIPLETEX_API_BASE"):
        config[key] = config[key].rstrip("/")
    if config["SANDBOX_MODE"]:
        config["HUBSPOT_CLIENT_ID"] = SANDBOX_HUBSPOT_CLIENT_ID
        config["HUBSPOT_CLIENT_SECRET"] = SANDBOX_HUBSPOT_CLIENT_SECRET
        config["HUBSPOT_APP_ID"] = config["HUBSPOT_APP_ID"] or SANDBOX_HUBSPOT_APP_ID
        config["TRIPLETEX_CONSUMER_TOKEN"] = (
            config["TRIPLETEX_CONSUMER_TOKEN"] or SANDBOX_TRIPLETEX_CONSUMER_TOKEN
        )
        _fill_sandbox_secrets(config, instance_path)
    elif not config["TESTING"]:
        check_production_safety(config)
    return config


def check_plans(plans) -> list[dict]:
    """Refuse plans the pages could not show: each needs an id, a name, a price and features."""

    def fail(why: str):
        raise UnsafeConfig(f"{ENV_PREFIX}PLANS: {why}.")

    if not isinstance(plans, list) or not plans:
        fail("must be a non-empty list of plans")
    ids = set()
    for n, plan in enumerate(plans):
        if not isinstance(plan, dict):
            fail(f"plan {n} is not an object")
        name = plan.get("name")
        if not (isinstance(name, str) and name) and not (
            isinstance(name, dict) and isinstance(name.get("en"), str) and name["en"]
        ):
            fail(f'plan {n} needs a name: a string, or {{"en": ..., "nb": ...}}')
        if not isinstance(plan.get("id"), str) or not plan["id"] or plan["id"] in ids:
            fail(f"plan {n} needs an id of its own")
        ids.add(plan["id"])
        if not isinstance(plan.get("price_nok"), (int, float)) or plan["price_nok"] < 0:
            fail(f"plan {plan['id']}: price_nok must be a number, 0 or more")
        limit = plan.get("invoice_limit")
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            fail(f"plan {plan['id']}: invoice_limit must be a whole number or null")
        features = plan.get("features", [])
        if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
            fail(f"plan {plan['id']}: features must be a list of names")
    return plans


def check_production_safety(config: dict) -> None:
    """Refuse to run for real with a guessable secret key or no encryption key."""
    problems = []
    if not config["SECRET_KEY"] or config["SECRET_KEY"] == INSECURE_SECRET_KEY:
        problems.append(f"set {ENV_PREFIX}SECRET_KEY to a long random value")
    if not config["ENCRYPTION_KEY"]:
        problems.append(
            f"set {ENV_PREFIX}ENCRYPTION_KEY (generate one with `flask --app wsgi keys generate`)"
        )
    else:
        try:
            for key in config["ENCRYPTION_KEY"].split(","):
                Fernet(key.strip())
        except ValueError:
            problems.append(f"{ENV_PREFIX}ENCRYPTION_KEY is not a valid Fernet key")
    if not config["HUBSPOT_CLIENT_SECRET"]:
        problems.append(f"set {ENV_PREFIX}HUBSPOT_CLIENT_SECRET")
    if not config["PUBLIC_BASE_URL"].startswith("https://"):
        problems.append(
            f"{ENV_PREFIX}PUBLIC_BASE_URL must be an https:// address HubSpot can reach"
        )
    if problems:
        raise UnsafeConfig("Refusing to start: " + "; ".join(problems) + ".")


def _fill_sandbox_secrets(config: dict, instance_path: Path) -> None:
    """Give a sandbox install stable local keys, so restarts can still read stored secrets."""
    wanted = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(32),
        "ENCRYPTION_KEY": lambda: Fernet.generate_key().decode(),
    }
    for key, make in wanted.items():
        if config[key] and config[key] != INSECURE_SECRET_KEY:
            continue
        if config["TESTING"] and key == "SECRET_KEY":
            continue
        path = instance_path / f"sandbox-{key.lower().replace('_', '-')}"
        if not path.exists():
            instance_path.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(make())
        config[key] = path.read_text().strip()
