"""Orders with embedded order lines, VAT-aware line amounts, and the order line endpoints."""

from __future__ import annotations

from flask import Blueprint, g, request

from . import crud, envelopes, routes
from .auth import entitled
from .entities import NOK, vat_rate
from .errors import TripletexError, missing_params, validation

bp = Blueprint("tripletex_orders", __name__)

MUST_BE_EXCL = (
    "The unit price must be exclusive VAT since the unit price on the order is exclusive VAT."
)
MUST_BE_INCL = (
    "The unit price must be inclusive VAT since the unit price on the order is inclusive VAT."
)


def _order_before(company_id, obj, body, creating):
    lines = body.pop("orderLines", None)
    if lines is not None and not isinstance(lines, list):
        raise TripletexError(422, 16000, "orderLines må være en liste.")
    obj["_pending_lines"] = lines or []
    obj["_replace_lines"] = request.args.get("updateLinesAndGroups", "false").lower() == "true"


def _order_after(company_id, obj, creating):
    state = envelopes.state()
    if not obj["number"]:
        obj["number"] = str(state.counter(company_id, "orderNumber"))
    if obj["currency"] is None:
        obj["currency"] = dict(NOK)
    customer = state.get(company_id, "customer", obj["customer"]["id"]) if obj["customer"] else None
    obj["customerName"] = customer["name"] if customer else ""
    pending, replace = obj.pop("_pending_lines", []), obj.pop("_replace_lines", False)
    kept = [] if replace and pending else list(obj["orderLines"])
    for index, line_body in enumerate(pending):
        if not isinstance(line_body, dict):
            raise TripletexError(422, 16000, "Ugyldig ordrelinje.")
        line = save_line(company_id, obj, line_body, f"orderLines[{index}]")
        if {"id": line["id"]} not in kept:
            kept.append({"id": line["id"]})
    if replace and pending:
        for stale in obj["orderLines"]:
            if stale not in kept:
                state.table(company_id, "orderline").pop(stale["id"], None)
    obj["orderLines"] = kept
    # Lines of an existing order are re-priced when the order's VAT mode changes.
    for ref in obj["orderLines"]:
        line = state.get(company_id, "orderline", ref["id"])
        if line is not None:
            price_line(company_id, obj, line, {})


def save_line(company_id: int, order: dict, body: dict, where: str = "orderLine") -> dict:
    """Create or update one order line of `order` from `body`."""
    state = envelopes.state()
    body = dict(body)
    body.pop("order", None)
    if "project" in body:
        raise validation(f"{where}.project", "Feltet eksisterer ikke i objektet.")
    line = state.get(company_id, "orderline", body["id"]) if body.get("id") else None
    if line is None:
        if body.get("id"):
            raise validation(f"{where}.id", "Objektet finnes ikke.")
        line = crud.new_object("orderline")
        line["id"] = state.next_id("orderline")
        line["order"] = {"id": order["id"]}
        crud.record_change(line, "CREATE")
    else:
        crud.check_version(line, body)
        line["version"] += 1
        crud.record_change(line, "UPDATE")
    crud.assign(company_id, "orderline", line, body)
    price_line(company_id, order, line, body)
    state.table(company_id, "orderline")[line["id"]] = line
    return line


def price_line(company_id: int, order: dict, line: dict, body: dict) -> None:
    """Fill the unit price the client left out and the line totals, per the order's VAT mode."""
    state = envelopes.state()
    product = state.get(company_id, "product", line["product"]["id"]) if line["product"] else None
    if line["vatType"] is None:
        line["vatType"] = dict(product["vatType"]) if product and product["vatType"] else {"id": 3}
    if line["currency"] is None:
        line["currency"] = dict(order["currency"] or NOK)
    if product and not line["description"]:
        line["description"] = product["orderLineDescription"] or product["name"]
    rate = vat_rate(company_id, line["vatType"])
    sent_excl = body.get("unitPriceExcludingVatCurrency") is not None
    sent_incl = body.get("unitPriceIncludingVatCurrency") is not None
    if product and not sent_excl and not sent_incl and "_priced" not in line:
        line["unitPriceExcludingVatCurrency"] = product["priceExcludingVatCurrency"]
        line["unitPriceIncludingVatCurrency"] = product["priceIncludingVatCurrency"]
    including = order["isPrioritizeAmountsIncludingVat"]
    if including and sent_excl and not sent_incl:
        raise validation("unitPriceIncludingVatCurrency", MUST_BE_INCL)
    if not including and sent_incl and not sent_excl:
        raise validation("unitPriceExcludingVatCurrency", MUST_BE_EXCL)
    factor = line["count"] * (1 - line["discount"] / 100)
    if including:
        line["unitPriceExcludingVatCurrency"] = round(
            line["unitPriceIncludingVatCurrency"] / (1 + rate), 10
        )
        line["amountIncludingVatCurrency"] = round(
            line["unitPriceIncludingVatCurrency"] * factor, 2
        )
        line["amountExcludingVatCurrency"] = round(
            line["amountIncludingVatCurrency"] / (1 + rate), 2
        )
    else:
        line["unitPriceIncludingVatCurrency"] = round(
            line["unitPriceExcludingVatCurrency"] * (1 + rate), 10
        )
        line["amountExcludingVatCurrency"] = round(
            line["unitPriceExcludingVatCurrency"] * factor, 2
        )
        line["amountIncludingVatCurrency"] = round(
            line["amountExcludingVatCurrency"] * (1 + rate), 2
        )
    line["_priced"] = True
    line["displayName"] = line["description"]


ORDER = crud.Resource(
    "order",
    required=("customer", "orderDate", "deliveryDate"),
    before_write=_order_before,
    after_write=_order_after,
    filters=[
        ("id", "id", "ids"),
        ("number", "number", "ids"),
        ("customerId", "customer", "ref_ids"),
        ("orderDateFrom", "orderDate", "from"),
        ("orderDateTo", "orderDate", "to"),
        ("deliveryComment", "deliveryComment", "contains"),
        ("isClosed", "isClosed", "bool"),
        ("isSubscription", "isSubscription", "bool"),
    ],
)


@bp.get("/v2/order")
@entitled("order")
def list_orders():
    missing = [p for p in ("orderDateFrom", "orderDateTo") if not request.args.get(p)]
    if missing:
        raise missing_params(*missing)
    return envelopes.listing("order", crud.search(ORDER, g.company_id, request.args))


routes.register(bp, ORDER, "order", "order", methods=("get", "post", "put", "delete", "post_list"))


def _line_order(body: dict) -> dict:
    order_ref = body.get("order") if isinstance(body, dict) else None
    if not isinstance(order_ref, dict) or not order_ref.get("id"):
        raise validation("order", "Feltet må fylles ut.")
    order = envelopes.state().get(g.company_id, "order", order_ref["id"])
    if order is None:
        raise validation("order.id", "Objektet finnes ikke.")
    return order


def _touch(order: dict, line: dict) -> None:
    if {"id": line["id"]} not in order["orderLines"]:
        order["orderLines"].append({"id": line["id"]})
    order["version"] += 1
    crud.record_change(order, "UPDATE")
    crud.emit(g.company_id, "order.update", "order", order)


@bp.post("/v2/order/orderline")
@entitled("order")
def post_line():
    envelopes.requested_fields("orderline")
    body = crud.body_json()
    if isinstance(body, dict) and body.get("id"):
        raise validation("id", crud.NO_ID_ON_CREATE)
    order = _line_order(body)
    line = save_line(g.company_id, order, body)
    _touch(order, line)
    return envelopes.value("orderline", line, 201)


@bp.post("/v2/order/orderline/list")
@entitled("order")
def post_lines():
    envelopes.requested_fields("orderline")
    lines, saved = [], routes.snapshot(g.company_id)
    try:
        for body in routes.items():
            order = _line_order(body)
            line = save_line(g.company_id, order, body)
            _touch(order, line)
            lines.append(line)
    except TripletexError:
        routes.restore(g.company_id, saved)  # a batch is all or nothing
        raise
    return envelopes.batch("orderline", lines, 201)


@bp.route("/v2/order/orderline/<int:line_id>", methods=["GET", "PUT", "DELETE"])
@entitled("order")
def one_line(line_id):
    state = envelopes.state()
    envelopes.requested_fields("orderline")
    line = crud.fetch(crud.Resource("orderline"), g.company_id, line_id)
    order = state.get(g.company_id, "order", line["order"]["id"])
    if request.method == "GET":
        return envelopes.value("orderline", line)
    if line["isCharged"]:
        raise validation("orderLine", "Ordrelinjen er fakturert og kan ikke endres.")
    if request.method == "DELETE":
        state.table(g.company_id, "orderline").pop(line_id)
        order["orderLines"] = [r for r in order["orderLines"] if r["id"] != line_id]
        order["version"] += 1
        crud.emit(g.company_id, "order.update", "order", order)
        return "", 204
    line = save_line(g.company_id, order, dict(crud.body_json(), id=line_id))
    _touch(order, line)
    return envelopes.value("orderline", line)
