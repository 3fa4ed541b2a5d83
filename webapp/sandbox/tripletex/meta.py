"""Company, accountant clients, and the lookup tables: VAT types, ledger accounts, currencies."""

from __future__ import annotations

from flask import Blueprint, g, request

from . import crud, envelopes, vat
from .auth import accountant_ok, entitled
from .errors import forbidden

bp = Blueprint("tripletex_meta", __name__)

VAT = crud.Resource(
    "vatType", events=False, filters=[("id", "id", "ids"), ("number", "number", "ids")]
)
ACCOUNT = crud.Resource(
    "account",
    events=False,
    filters=[
        ("id", "id", "ids"),
        ("number", "number", "ids"),
        ("isBankAccount", "isBankAccount", "bool"),
        ("isInactive", "isInactive", "bool"),
    ],
)
CURRENCY = crud.Resource(
    "currency", events=False, filters=[("id", "id", "ids"), ("code", "code", "ids")]
)
# `code` is the ISO alpha-2 code (brief §5.8; the spec's description says "List of IDs").
COUNTRY = crud.Resource(
    "country", events=False, filters=[("id", "id", "ids"), ("code", "isoAlpha2Code", "ids")]
)


def _company_ids() -> list[int]:
    token = g.employee_token
    return [token["company_id"], *(token.get("clients") or [])]


@bp.get("/v2/company/<int:company_id>")
def get_company(company_id):
    if company_id not in _company_ids():
        raise forbidden("Du har ikke tilgang til dette selskapet.")
    state = envelopes.state()
    return envelopes.value("company", state.get(company_id, "company", company_id))


@bp.get("/v2/company/>withLoginAccess")
@accountant_ok
def with_login_access():
    state = envelopes.state()
    token = g.employee_token
    ids = token.get("clients") or [token["company_id"]]
    rows = [state.get(cid, "company", cid) for cid in ids]
    return envelopes.listing("company", [r for r in rows if r is not None])


def _lookup_routes(res: crud.Resource, path: str, writable: bool = False, narrow=None) -> None:
    def list_view():
        rows = crud.search(res, g.company_id, request.args)
        return envelopes.listing(res.kind, narrow(g.company_id, rows) if narrow else rows)

    def get_view(obj_id):
        return envelopes.value(res.kind, crud.fetch(res, g.company_id, obj_id))

    bp.add_url_rule(f"/v2/{path}", f"{res.kind}_list", entitled("ledger")(list_view))
    bp.add_url_rule(f"/v2/{path}/<int:obj_id>", f"{res.kind}_get", entitled("ledger")(get_view))
    if writable:

        def put_view(obj_id):
            obj = crud.fetch(res, g.company_id, obj_id)
            with crud.atomic():
                crud.update(res, g.company_id, obj, crud.body_json())
            return envelopes.value(res.kind, obj)

        bp.add_url_rule(
            f"/v2/{path}/<int:obj_id>",
            f"{res.kind}_put",
            entitled("ledger")(put_view),
            methods=["PUT"],
        )


_lookup_routes(VAT, "ledger/vatType", narrow=vat.search)
_lookup_routes(COUNTRY, "country")
_lookup_routes(ACCOUNT, "ledger/account", writable=True)
_lookup_routes(CURRENCY, "currency")
