"""CRM search: filter groups (AND within, OR between), one sort, offset paging, HubSpot's caps.

Search answers from the index (index.py), which takes in each write only after the
`search_lag_seconds` delay: a record just created is not found yet, one just updated is found
by its old values and comes back with them, one just archived is still there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    if not value[:1].isdigit() and value[:1] not in "+-.":
        return value.lower()  # neither a number nor a timestamp: skip two failing parses
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


def matcher(spec: dict) -> Callable[[dict], bool]:
    """Compile one filter into a test of a record's properties (the filter's own values are
    read once, not once per record: a search reads every record of its type)."""
    op, name = spec.get("operator"), spec.get("propertyName")
    if op == "HAS_PROPERTY":
        return lambda props: props.get(name) not in (None, "")
    if op == "NOT_HAS_PROPERTY":
        return lambda props: props.get(name) in (None, "")
    if op in ("IN", "NOT_IN"):
        wanted, inside = {str(v).lower() for v in spec.get("values") or []}, op == "IN"

        def member(props: dict) -> bool:
            raw = props.get(name)
            return (raw is not None and raw.lower() in wanted) == inside

        return member
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern, hit = str(spec.get("value", "")), op == "CONTAINS_TOKEN"
        return lambda props: _token_match(props.get(name), pattern) == hit
    target = _comparable(str(spec.get("value", "")))
    if op == "EQ":
        return lambda props: _comparable(props.get(name)) == target
    if op == "NEQ":
        return lambda props: _comparable(props.get(name)) != target
    if op == "BETWEEN":
        high = _comparable(str(spec.get("highValue", "")))
        if not _same_kind(target, high):
            return lambda props: False
        test = lambda value: target <= value <= high
    else:
        test = {
            "LT": lambda value: value < target,
            "LTE": lambda value: value <= target,
            "GT": lambda value: value > target,
            "GTE": lambda value: value >= target,
        }.get(op, lambda value: False)

    def ordered(props: dict) -> bool:
        value = _comparable(props.get(name))
        return value is not None and _same_kind(value, target) and test(value)

    return ordered


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
    compiled = [[matcher(f) for f in grp.get("filters") or []] for grp in groups]
    hits, seen, now = [], {}, sandbox().clock.now()
    for record in g.portal.records[object_type].values():
        props = index.visible(record, now)
        if props is None:
            continue
        seen[record.id] = props
        if compiled and not any(all(test(props) for test in tests) for tests in compiled):
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
