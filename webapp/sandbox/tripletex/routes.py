"""URL rules shared by every entity: list, get, create, update, delete and the `/list` batches."""
from __future__ import annotations

import copy

from flask import Blueprint, g, request

from . import crud, envelopes
from .auth import entitled
from .errors import TripletexError, not_found, validation


def _snapshot(company_id: int):
    objects = envelopes.state().companies[company_id]["objects"]
    return copy.deepcopy(objects)


def _restore(company_id: int, snapshot) -> None:
    envelopes.state().companies[company_id]["objects"] = snapshot
    g.pending_events = []


def register(bp: Blueprint, res: crud.Resource, path: str, group: str, *,
             methods: tuple[str, ...] = ("list", "get", "post", "put", "delete", "post_list",
                                         "put_list")) -> None:
    """Add the standard routes for `res` under /v2/<path>."""
    kind = res.kind
    base = f"/v2/{path}"

    def list_view():
        return envelopes.listing(kind, crud.search(res, g.company_id, request.args))

    def get_view(obj_id):
        return envelopes.value(kind, crud.fetch(res, g.company_id, obj_id))

    def post_view():
        return envelopes.value(kind, crud.create(res, g.company_id, crud.body_json()), 201)

    def put_view(obj_id):
        obj = crud.fetch(res, g.company_id, obj_id)
        return envelopes.value(kind, crud.update(res, g.company_id, obj, crud.body_json()))

    def delete_view(obj_id):
        crud.delete(res, g.company_id, obj_id)
        return "", 204

    def post_list_view():
        items = _items()
        snapshot = _snapshot(g.company_id)
        try:
            created = [crud.create(res, g.company_id, item) for item in items]
        except TripletexError:
            _restore(g.company_id, snapshot)     # a batch is all or nothing
            raise
        return envelopes.batch(kind, created, 201)

    def put_list_view():
        items = _items()
        snapshot = _snapshot(g.company_id)
        try:
            updated = []
            for item in items:
                if not isinstance(item, dict) or item.get("id") in (None, ""):
                    raise validation("id", "Kan ikke være null.")
                obj = envelopes.state().get(g.company_id, kind, item["id"])
                if obj is None:
                    raise not_found()
                updated.append(crud.update(res, g.company_id, obj, item))
        except TripletexError:
            _restore(g.company_id, snapshot)
            raise
        return envelopes.batch(kind, updated, 200)

    rules = {
        "list": (base, "GET", list_view), "post": (base, "POST", post_view),
        "get": (f"{base}/<int:obj_id>", "GET", get_view),
        "put": (f"{base}/<int:obj_id>", "PUT", put_view),
        "delete": (f"{base}/<int:obj_id>", "DELETE", delete_view),
        "post_list": (f"{base}/list", "POST", post_list_view),
        "put_list": (f"{base}/list", "PUT", put_list_view),
    }
    for name in methods:
        rule, method, view = rules[name]
        view = entitled(group)(view)
        bp.add_url_rule(rule, f"{kind}_{name}", view, methods=[method])


def _items() -> list:
    items = crud.body_json()
    if not isinstance(items, list):
        raise TripletexError(422, 16000, "Forventet en liste.")
    if len(items) > 100:
        raise validation("list", "Maks 100 objekter om gangen.")
    return items
