"""The control API under /_sandbox/ for the machinery: faults, limits, clock, log, webhooks."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .errors import invalid
from .gateway import sandbox
from .subscriptions import from_hsmeta

bp = Blueprint("hubspot_operations", __name__, url_prefix="/_sandbox")


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.get("/faults")
def list_faults():
    return jsonify({"results": sandbox().faults.rules})


@bp.post("/faults")
def add_fault():
    """Add a fault rule.

    Body: {status|latency|timeout, count?, rate?, path?, method?, retryAfter?, seconds?}.
    """
    body = _body()
    if not any(body.get(k) for k in ("status", "latency", "timeout")):
        raise invalid("A fault needs status, latency or timeout")
    return jsonify(sandbox().faults.add(body)), 201


@bp.delete("/faults")
def clear_faults():
    sandbox().faults.clear()
    return "", 204


@bp.get("/limits")
def read_limits():
    return jsonify(_limits())


@bp.post("/limits")
def set_limits():
    """Change the burst limits: {rateLimitMax?, rateLimitIntervalMs?, searchPerSecond?}."""
    sb, body = sandbox(), _body()
    try:
        if "rateLimitMax" in body:
            sb.rate_limit.limit = int(body["rateLimitMax"])
        if "rateLimitIntervalMs" in body:
            sb.rate_limit.interval = int(body["rateLimitIntervalMs"]) / 1000
        if "searchPerSecond" in body:
            sb.search_limit.limit = int(body["searchPerSecond"])
    except (TypeError, ValueError):
        raise invalid("Limits are whole numbers") from None
    sb.rate_limit.reset()
    sb.search_limit.reset()
    return jsonify(_limits())


def _limits() -> dict:
    sb = sandbox()
    return {
        "rateLimitMax": sb.rate_limit.limit,
        "rateLimitIntervalMs": int(sb.rate_limit.interval * 1000),
        "searchPerSecond": sb.search_limit.limit,
    }


@bp.get("/requests")
def request_log():
    """Every API call seen (optionally ?portalId=), with a count per endpoint."""
    portal = request.args.get("portalId", type=int)
    return jsonify(sandbox().request_log(portal))


@bp.delete("/requests")
def clear_request_log():
    sandbox().clear_log()
    return "", 204


@bp.get("/clock")
def read_clock():
    return jsonify({"now": sandbox().clock.now()})


@bp.post("/clock")
def move_clock():
    """Move the sandbox clock forward, {advance: seconds}, and/or stop it, {freeze: bool}
    (token expiry, rate windows, webhook retries)."""
    clock, body = sandbox().clock, _body()
    if "freeze" in body:
        clock.freeze(bool(body["freeze"]))
    clock.advance(float(body.get("advance", 0)))
    return jsonify({"now": clock.now()})


@bp.get("/webhooks")
def webhook_status():
    return jsonify(sandbox().webhooks.status())


@bp.post("/webhooks")
def webhook_mode():
    """Ask for misbehaving deliveries: {duplicate: bool, reorder: bool}."""
    emitter, body = sandbox().webhooks, _body()
    emitter.duplicate = bool(body.get("duplicate", emitter.duplicate))
    emitter.reorder = bool(body.get("reorder", emitter.reorder))
    return jsonify(emitter.status())


@bp.put("/webhooks/config")
def webhook_config():
    """Replace the app's webhooks with a webhooks-hsmeta.json, as `hs project upload` does."""
    sb = sandbox()
    target, subscriptions, concurrency = from_hsmeta(_body())
    sb.settings.update(
        webhook_target_url=target,
        webhook_subscriptions=subscriptions,
        webhook_max_concurrent=concurrency,
    )
    sb.webhooks.configure()
    return jsonify(sb.webhooks.status())


@bp.get("/webhooks/deliveries")
def webhook_deliveries():
    return jsonify({"results": list(sandbox().webhooks.deliveries)})


@bp.post("/webhooks/flush")
def webhook_flush():
    """Wait (up to `timeout` seconds) until every queued webhook has been delivered or dropped."""
    idle = sandbox().webhooks.wait_idle(float(_body().get("timeout", 10)))
    return jsonify({"idle": idle}), 200 if idle else 504


# The settings the control API may change: {camelCase name: settings key}.
TUNABLE = {
    "searchLagSeconds": "search_lag_seconds",
    "mergeCreatesNewId": "merge_creates_new_id",
    "lineItemDiscountPerUnit": "line_item_discount_per_unit",
    "webhookRetryDelays": "webhook_retry_delays",
    "webhookRetryJitter": "webhook_retry_jitter",
    "webhookMaxRetries": "webhook_max_retries",
    "webhookTimeout": "webhook_timeout",
}


def _settings() -> dict:
    settings = sandbox().settings
    return {name: settings[key] for name, key in TUNABLE.items()}


@bp.get("/settings")
def read_settings():
    return jsonify(_settings())


@bp.post("/settings")
def update_settings():
    """Change emulation settings: search lag, merges, line-item discounts, webhook retries."""
    body = _body()
    sandbox().settings.update({TUNABLE[name]: value for name, value in body.items()})
    return jsonify(_settings())
