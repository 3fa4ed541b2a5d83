"""Property values as HubSpot judges them on a write, and its error body when it refuses them.

Every enumeration takes only its options (its own, or the account's owners, currencies,
pipelines, stages and files), numbers must be numbers, dates midnight UTC, text at most
65,536 characters, and computed properties cannot be written. HubSpot refuses the whole write
with a 400 whose message lists each problem as JSON: "Property values were not valid:
[{"isValid":false,"message":"x was not one of the allowed options: [...]","error":
"INVALID_OPTION","name":"..."}]", as captured from the real API (fidelity-findings B6).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from . import catalogue, pipelines_data, schema
from .errors import ApiFailure, invalid
from .state import Portal, iso

MAX_LENGTH = 65_536  # property values; the notes guide gives it for hs_note_body
# Options HubSpot keeps outside the property definition (externalOptions): it answers them
# as an empty list and checks writes against the account's owners, pipelines, stages, files.
EXTERNAL = {"owners", "pipelines", "stages", "files"}


def property_defs(portal: Portal, object_type: str) -> dict:
    """Return every property of a type (HubSpot's, the system ones, custom) by name."""
    group = f"{schema.OBJECT_TYPES[object_type][1]}information"
    defs = {}
    for definition in catalogue.PROPERTIES[object_type] + catalogue.system_properties(object_type):
        defs[definition["name"]] = dict(
            definition,
            groupName=group,
            hasUniqueValue=definition["name"] in schema.IMPLICIT_UNIQUE.get(object_type, ())
            or definition["name"] == "hs_object_id",
        )
    defs.update(portal.custom_properties[object_type])
    return defs


def options(portal: Portal, definition: dict, pipeline_id: str | None = None) -> list[str]:
    """Return the values an enumeration takes in this portal."""
    dynamic = definition.get("dynamic")
    if dynamic == "owners":
        return [str(u["ownerId"]) for u in portal.users]
    if dynamic == "currencies":
        return list(portal.currencies)
    if dynamic == "pipelines":
        return [p["id"] for p in pipelines_data.live(portal)]
    if dynamic == "stages":
        pipeline = portal.pipelines.get(pipeline_id or "default")
        if pipeline is None or pipeline["archived"]:
            return []
        return [s["id"] for s in pipelines_data.live_stages(pipeline)]
    if dynamic == "files":
        return [f["id"] for f in portal.files.values() if not f["archived"]]
    return [str(o.get("value")) for o in definition.get("options") or []]


def listed_options(portal: Portal, definition: dict) -> list[dict]:
    """Return the options a property definition shows (none for external ones)."""
    dynamic = definition.get("dynamic")
    if dynamic in EXTERNAL:
        return []
    if dynamic == "currencies":
        return [
            {"label": code, "value": code, "displayOrder": order, "hidden": False}
            for order, code in enumerate(portal.currencies)
        ]
    return definition.get("options") or []


def as_string(value) -> str:
    """Write a JSON value as the string HubSpot stores."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip().lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def _datetime(value: str) -> datetime | None:
    if value.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(value) / 1000, timezone.utc)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _date(value: str) -> str | None:
    """Return a date property's value as YYYY-MM-DD, or None unless it is midnight UTC."""
    parsed = _datetime(value)
    if parsed is None:
        return None
    parsed = parsed.astimezone(timezone.utc)
    if (parsed.hour, parsed.minute, parsed.second, parsed.microsecond) != (0, 0, 0, 0):
        return None
    return parsed.strftime("%Y-%m-%d")


def _not_an_option(value: str, allowed: list[str]) -> str:
    return f"{value} was not one of the allowed options: [{', '.join(allowed)}]"


def _judge(portal: Portal, definition: dict, value: str) -> tuple[str, str | None, str | None]:
    """Return (stored value, problem message, error code) for one non-empty value."""
    kind, field_type = definition["type"], definition["fieldType"]
    if len(value) > MAX_LENGTH:
        return (
            value,
            f"{definition['name']} is longer than {MAX_LENGTH} characters",
            ("INVALID_STRING_LENGTH"),
        )
    if kind == "number":
        if not is_number(value):
            return value, f"{value} was not a valid number.", "INVALID_FLOAT"
    elif kind == "datetime":
        parsed = _datetime(value)
        if parsed is None:
            return value, f"{value} was not a valid date-time.", "INVALID_DATE"
        return iso(parsed.timestamp()), None, None
    elif kind == "date":
        day = _date(value)
        if day is None:
            return (
                value,
                f"{value} is not a valid date: dates must be midnight UTC.",
                ("INVALID_DATE"),
            )
        return day, None, None
    elif kind == "bool":
        if value.lower() not in ("true", "false"):
            return value, _not_an_option(value, ["true", "false"]), "INVALID_OPTION"
        return value.lower(), None, None
    elif kind == "enumeration" and definition.get("dynamic") != "stages":
        allowed = options(portal, definition)
        chosen = value.split(";") if field_type == "checkbox" else [value]
        wrong = [v for v in chosen if v not in allowed]
        if wrong:
            return value, _not_an_option(wrong[0], allowed), "INVALID_OPTION"
    return value, None, None


def refusal(problems: list[tuple[str, str, str]]) -> ApiFailure:
    """Return HubSpot's 400 for property problems: (property name, message, error code)."""
    detail = [{"isValid": False, "message": m, "error": c, "name": n} for n, m, c in problems]
    return invalid(
        "Property values were not valid: "
        + json.dumps(detail, separators=(",", ":"), ensure_ascii=False),
        errors=[
            {"message": m, "code": c, "context": {"propertyName": [n]}} for n, m, c in problems
        ],
    )


def clean(portal: Portal, object_type: str, values, current: dict | None = None) -> dict:
    """Validate written values against the schema; return them as stored strings."""
    if not isinstance(values, dict):
        raise invalid("Invalid input JSON: properties must be an object")
    defs = property_defs(portal, object_type)
    problems, cleaned = [], {}
    for name, raw in values.items():
        definition = defs.get(name)
        value = as_string(raw)
        if definition is None:
            problems.append((name, f'Property "{name}" does not exist', "PROPERTY_DOESNT_EXIST"))
            continue
        if definition.get("readOnly"):
            message = f'"{name}" is a read only property; its value cannot be set.'
            problems.append((name, message, "READ_ONLY_VALUE"))
            continue
        if value:
            value, message, code = _judge(portal, definition, value)
            if message:
                problems.append((name, message, code))
        cleaned[name] = value
    if object_type == "deals":
        problems += _stage_problems(portal, {**(current or {}), **cleaned}, cleaned)
    if object_type == "line_items":
        price = cleaned.get("price", "")
        if price and is_number(price) and float(price) < 0:
            problems.append(("price", f"The price cannot be negative: {price}", "INVALID_PRICE"))
    if problems:
        raise refusal(problems)
    return cleaned


def _stage_problems(portal: Portal, merged: dict, written: dict) -> list:
    """A deal's stage must belong to its pipeline; an unknown pipeline is not an option."""
    if "pipeline" not in written and "dealstage" not in written:
        return []
    pipeline_id = merged.get("pipeline") or "default"
    pipelines = [p["id"] for p in pipelines_data.live(portal)]
    if merged.get("pipeline") and pipeline_id not in pipelines:
        return [("pipeline", _not_an_option(pipeline_id, pipelines), "INVALID_OPTION")]
    stage = merged.get("dealstage")
    if stage and pipelines_data.find_stage(portal, pipeline_id, stage) is None:
        allowed = ", ".join(options(portal, {"dynamic": "stages"}, pipeline_id))
        message = (
            f"{stage} is not a valid pipeline stage ID. Valid options are: "
            f"pipelineId={pipeline_id} : [{allowed}]"
        )
        return [("dealstage", message, "INVALID_OPTION")]
    return []


def unique_names(portal: Portal, object_type: str) -> set:
    return {n for n, d in property_defs(portal, object_type).items() if d.get("hasUniqueValue")}
