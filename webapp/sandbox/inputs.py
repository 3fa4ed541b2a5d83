"""Check what a control request sends against a small schema, for both sandboxes.

A schema maps each field a body may carry to a kind (`text()`, `integer(0, 10)`, ...). A refusal
raises BadInput with a message that starts with the field's name; each sandbox renders it in its
own control API's error shape. Checking everything before acting means a refused request
changes nothing. Imports Flask only, never the product.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from flask import request

# Ids and counts above this lose precision in JavaScript clients, so nothing sensible is larger.
JSON_SAFE = 2**53 - 1


class BadInput(ValueError):
    """Input a control endpoint refuses with 400; the message names the field."""


def json_object() -> dict:
    """Return the request's JSON object, {} when there is no body, or raise BadInput."""
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadInput("body: must be a JSON object, sent as application/json")
    return body


def check(body: dict, fields: dict, required=(), where: str = "") -> dict:
    """Raise BadInput unless `body` holds only `fields`, each of its kind; return `body`."""
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise BadInput(
            f"{where}{unknown[0]}: unknown field; known are {', '.join(sorted(fields)) or 'none'}"
        )
    for name in required:
        if name not in body:
            raise BadInput(f"{where}{name}: required")
    for name, value in body.items():
        fields[name](f"{where}{name}", value)
    return body


def integer_arg(name: str) -> int | None:
    """Return the query parameter `name` as an int (None when absent), or raise BadInput."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"-?\d{1,16}", raw):
        raise BadInput(f"{name}: must be a whole number, not {raw!r}")
    return int(raw)


# Kinds: each returns a check(name, value) that raises BadInput naming the field.


def _refuse(name: str, wanted: str, value) -> BadInput:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return BadInput(f"{name}: must be {wanted}, not {shown}")


def text(
    min_length: int = 1,
    max_length: int = 500,
    pattern: str | None = None,
    wanted: str | None = None,
):
    """A string of that length, matching `pattern` (described by `wanted`) if given."""
    wanted = wanted or (
        f"a string of {min_length} to {max_length} characters"
        if min_length
        else f"a string of at most {max_length} characters"
    )

    def kind(name, value):
        if (
            not isinstance(value, str)
            or not min_length <= len(value) <= max_length
            or (pattern is not None and not re.fullmatch(pattern, value))
        ):
            raise _refuse(name, wanted, value)

    return kind


def integer(low: int = 0, high: int = JSON_SAFE):
    """A whole number from `low` to `high` (a JSON true is not 1)."""

    def kind(name, value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _refuse(name, f"a whole number from {low} to {high}", value)

    return kind


def number(low: float = 0, high: float = JSON_SAFE):
    """A finite number from `low` to `high`."""

    def kind(name, value):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            raise _refuse(name, f"a number from {_plain(low)} to {_plain(high)}", value)

    return kind


def _plain(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


def boolean():
    """true or false (not "yes", not 1)."""

    def kind(name, value):
        if not isinstance(value, bool):
            raise _refuse(name, "true or false", value)

    return kind


def choice(*options):
    """One of `options`, exactly."""

    def kind(name, value):
        if isinstance(value, bool) or value not in options:
            raise _refuse(name, "one of " + ", ".join(map(str, options)), value)

    return kind


def iso_date():
    """A date such as 2026-11-24 (which Python would also read as 20261124; Tripletex not)."""

    def kind(name, value):
        try:
            if re.fullmatch(r"\d{4}-\d\d-\d\d", value) and date.fromisoformat(value):
                return
        except (TypeError, ValueError):
            pass
        raise _refuse(name, "a date such as 2026-11-24", value)

    return kind


def aware_datetime(low: datetime, high: datetime):
    """An ISO date and time with a UTC offset, between `low` and `high`."""
    wanted = (
        f"a date and time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00, "
        f"from {low.year} to {high.year}"
    )

    def kind(name, value):
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None and low <= moment <= high:
                return
        except (TypeError, ValueError):
            pass
        raise _refuse(name, wanted, value)

    return kind


def regex():
    """A string Python's re can compile."""

    def kind(name, value):
        text(max_length=500)(name, value)
        try:
            re.compile(value)
        except re.error as exc:
            raise BadInput(f"{name}: not a valid regular expression ({exc})") from None

    return kind


def nullable(inner):
    """null, or what `inner` accepts."""

    def kind(name, value):
        if value is not None:
            inner(name, value)

    return kind


def anything():
    """Any JSON value."""
    return lambda name, value: None


def list_of(item, max_items: int = 100):
    """A list of at most `max_items`, each accepted by `item`."""

    def kind(name, value):
        if not isinstance(value, list) or len(value) > max_items:
            raise _refuse(name, f"a list of at most {max_items} items", value)
        for index, element in enumerate(value):
            item(f"{name}[{index}]", element)

    return kind


def mapping(value_kind, max_items: int = 100):
    """A JSON object of at most `max_items` entries, keyed by short names, each value accepted
    by `value_kind`."""
    key_kind = text(max_length=100)

    def kind(name, value):
        if not isinstance(value, dict) or len(value) > max_items:
            raise _refuse(name, f"an object of at most {max_items} entries", value)
        for key, element in value.items():
            key_kind(f"{name} key", key)
            value_kind(f"{name}.{key}", element)

    return kind


def record(fields: dict, required=(), closed: bool = True):
    """A JSON object checked like a body; `closed=False` lets fields not listed through."""

    def kind(name, value):
        if not isinstance(value, dict):
            raise _refuse(name, "an object", value)
        known = value if closed else {k: v for k, v in value.items() if k in fields}
        check(known, fields, required, where=f"{name}.")

    return kind
