"""CRM search: filter groups (AND within, OR between), one sort, offset paging, HubSpot's caps.

Search answers from the index (index.py), which takes in each write only after the
`search_lag_seconds` delay: a record just created is not found yet, one just updated is found
by its old values and comes back with them, one just archived is still there.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, g, jsonify

from . import index, records
from .errors import invalid
from .gateway import api, json_body, sandbox
from .objects import V, kind, reading

bp = Blueprint("hubspot_search", __name__)
MAX_PAGE, MAX_TOTAL, MAX_GROUPS, MAX_PER_GROUP, MAX_FILTERS = 200, 10_000, 5, 6, 18
MAX_QUERY = 3000


def _comparable(value: str | None):
    """Compare numbers as numbers and ISO timestamps as epoch milliseconds."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000
    except ValueError:
        return value.lower()


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w@.+-]+", text.lower()) if t]


def _token_match(text: str | None, pattern: str) -> bool:
    if text is None:
        return False
    regex = re.compile("^" + re.escape(pattern.lower()).replace(r"\*", ".*") + "$")
    return any(regex.match(token) for token in _tokens(text) + [text.lower()])


def _same_kind(a, b) -> bool:
    return isinstance(a, float) == isinstance(b, float)


def matches(props: dict, spec: dict) -> bool:
    """Decide one filter against a record's properties."""
    op, name = spec.get("operator"), spec.get("propertyName")
    raw = props.get(name)
    value = _comparable(raw)
    if op == "HAS_PROPERTY":
        return raw not in (None, "")
    if op == "NOT_HAS_PROPERTY":
        return raw in (None, "")
    if op in ("IN", "NOT_IN"):
        wanted = {str(v).lower() for v in spec.get("values") or []}
        inside = raw is not None and raw.lower() in wanted
        return inside if op == "IN" else not inside
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        hit = _token_match(raw, str(spec.get("value", "")))
        return hit if op == "CONTAINS_TOKEN" else not hit
    target = _comparable(str(spec.get("value", "")))
    if op == "EQ":
        return value == target
    if op == "NEQ":
        return value != target
    if value is None or not _same_kind(value, target):
        return False
    if op == "BETWEEN":
        high = _comparable(str(spec.get("highValue", "")))
        return _same_kind(value, high) and target <= value <= high
    return {
        "LT": value < target,
        "LTE": value <= target,
        "GT": value > target,
        "GTE": value >= target,
    }.get(op, False)


def _check(body: dict) -> None:
    groups = body.get("filterGroups") or []
    counts = [len(group.get("filters") or []) for group in groups]
    if (
        len(groups) > MAX_GROUPS
        or any(c > MAX_PER_GROUP for c in counts)
        or sum(counts) > MAX_FILTERS
    ):
        raise invalid(
            f"Too many filters: at most {MAX_GROUPS} filterGroups, {MAX_PER_GROUP} "
            f"filters in a group and {MAX_FILTERS} in all"
        )
    known = {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
    for group in groups:
        for spec in group.get("filters") or []:
            if spec.get("operator") not in known:
                raise invalid(f"Unknown filter operator {spec.get('operator')!r}")
    if len(body.get("query") or "") > MAX_QUERY:
        raise invalid(f"query must be at most {MAX_QUERY} characters")
    if len(body.get("sorts") or []) > 1:
        raise invalid("Search supports only one sort")


def _sort_key(sorts: list):
    """Accept the documented object form and the spec's string form ("name" or "-name")."""
    if not sorts:
        return "hs_object_id", False
    sort = sorts[0]
    if isinstance(sort, str):
        return sort.lstrip("-"), sort.startswith("-")
    return sort.get("propertyName", "hs_object_id"), sort.get("direction") == "DESCENDING"


@bp.post(f"/crm/objects/<{V}>/<object_type>/search")
@bp.post("/crm/v3/objects/<object_type>/search", defaults={"version": "v3"}, endpoint="search_v3")
@api(reading, search=True)
def search(version: str, object_type: str):
    """Return `{total, results, paging}`; `after` is a string offset."""
    object_type = kind(object_type)
    body = json_body()
    _check(body)
    limit = int(body.get("limit") or 10)
    if not 1 <= limit <= MAX_PAGE:
        raise invalid(f"limit must be between 1 and {MAX_PAGE}")
    after = str(body.get("after") or "0")
    offset = int(after) if after.isdigit() else 0
    if offset + limit > MAX_TOTAL:
        raise invalid(f"Search results are limited to {MAX_TOTAL} in all; narrow the filters")
    groups = body.get("filterGroups") or []
    query = (body.get("query") or "").lower()
    hits, seen, now = [], {}, sandbox().clock.now()
    for record in g.portal.records[object_type].values():
        props = index.visible(record, now)
        if props is None:
            continue
        seen[record.id] = props
        if groups and not any(
            all(matches(props, f) for f in grp.get("filters") or []) for grp in groups
        ):
            continue
        if query and not any(query in (props.get(n) or "").lower() for n in props):
            continue
        hits.append(record)
    name, descending = _sort_key(body.get("sorts"))
    present = [r for r in hits if seen[r.id].get(name) not in (None, "")]
    absent = [r for r in hits if seen[r.id].get(name) in (None, "")]
    present.sort(
        key=lambda r: (
            _kind_rank(_comparable(seen[r.id][name])),
            _comparable(seen[r.id][name]),
            int(r.id),
        ),
        reverse=descending,
    )
    hits = present + absent
    page = hits[offset : offset + limit]
    result = {
        "total": len(hits),
        "results": [
            _as_indexed(
                records.public(
                    g.portal, object_type, r, body.get("properties"), properties=seen[r.id]
                )
            )
            for r in page
        ],
    }
    if offset + limit < len(hits):
        result["paging"] = {"next": {"after": str(offset + limit)}}
    return jsonify(result)


def _kind_rank(value) -> int:
    return 0 if isinstance(value, float) else 1


def _as_indexed(body: dict) -> dict:
    """A record archived since the index last saw it still answers as it was then."""
    body["archived"] = False
    body.pop("archivedAt", None)
    return body
