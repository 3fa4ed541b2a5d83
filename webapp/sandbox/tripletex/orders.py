"""Orders with embedded order lines, VAT-aware line amounts, and the order line endpoints."""

from __future__ import annotations

from flask import Blueprint, g, request

from . import crud, currency, envelopes, routes, vat
from .auth import entitled
from .entities import NOK
from .errors import TripletexError, missing_params, validation

bp = Blueprint("tripletex_orders", __name__)

MUST_BE_EXCL = (
    "The unit price must be exclusive VAT since the unit price on the order is exclusive VAT."
)
MUST_BE_INCL = (
    "The unit price must be inclusive VAT since the unit price on the order is inclusive VAT."
)
INVOICED = "Ordren er fakturert og kan ikke endres eller slettes."
FROM_CUSTOMER = ("currency", "invoicesDueIn", "invoicesDueInType")


def invoiced(company_id: int, order: dict) -> bool:
    """Whether any line of the order has been charged on an invoice."""
    state = envelopes.state()
    lines = (state.get(company_id, "orderline", ref["id"]) for ref in order["orderLines"])
    return any(line is not None and line["isCharged"] for line in lines)


def refuse_if_invoiced(company_id: int, order: dict) -> None:
    if invoiced(company_id, order):
        raise validation(None, INVOICED)


def _order_before(company_id, obj, body, creating):
    if not creating:
        refuse_if_invoiced(company_id, obj)
    lines = body.pop("orderLines", None)
    if lines is not None and not isinstance(lines, list):
        raise TripletexError(422, 16000, "orderLines må være en liste.")
    flag = request.args.get("updateLinesAndGroups", "false").lower() == "true"
    settings = envelopes.state().settings
    if not creating and not flag and settings["put_order_lines_need_flag"]:
        # "Should order lines and order groups be saved ...?" (spec): not unless asked.
        lines = None
    obj["_pending_lines"] = lines or []
    obj["_replace_lines"] = flag
    obj["_unset"] = [k for k in FROM_CUSTOMER if body.get(k) is None]


def _order_after(company_id, obj, creating):
    state = envelopes.state()
    if not obj["number"]:
        obj["number"] = str(state.counter(company_id, "orderNumber"))
    customer = state.get(company_id, "customer", obj["customer"]["id"]) if obj["customer"] else None
    unset = obj.pop("_unset", [])
    if creating and customer is not None:
        # An order that sets none takes the customer's currency and terms of payment.
        for key in unset:
            if customer.get(key) is not None:
                obj[key] = customer[key] if key != "currency" else dict(customer[key])
    if obj["currency"] is None:
        obj["currency"] = dict(NOK)
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
                crud.remove(company_id, "orderline", stale["id"])
    obj["orderLines"] = kept
    # Lines of an existing order are re-priced when the order's VAT mode changes.
    for ref in obj["orderLines"]:
        line = state.get(company_id, "orderline", ref["id"])
        if line is not None:
            crud.keep(line)
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
        crud.assign(company_id, "orderline", line, body)
        price_line(company_id, order, line, body, where)
        crud.record_change(line, "CREATE")
        crud.insert(company_id, "orderline", line)
        return line
    crud.check_version(line, body)
    draft = dict(line)
    crud.assign(company_id, "orderline", draft, body)
    price_line(company_id, order, draft, body, where)
    crud.keep(line)
    line.update(draft, version=line["version"] + 1)
    crud.record_change(line, "UPDATE")
    return line


def price_line(company_id: int, order: dict, line: dict, body: dict, where="orderLine") -> None:
    """Fill VAT, the unit price the client left out and the line totals."""
    state = envelopes.state()
    product = state.get(company_id, "product", line["product"]["id"]) if line["product"] else None
    if line["vatType"] is None:
        if product and product["vatType"] and state.settings["line_vat_from_product"]:
            line["vatType"] = dict(product["vatType"])
        else:
            # No vatType and no product: Tripletex uses id 0, 0 % (fidelity-findings A5).
            line["vatType"] = vat.ref(company_id, "0")
    vat.check_sales(company_id, line["vatType"], f"{where}.vatType")
    line["currency"] = dict(order["currency"] or NOK)
    if product and not line["description"]:
        line["description"] = product["orderLineDescription"] or product["name"]
    rate = vat.rate(company_id, line["vatType"])
    sent_excl = body.get("unitPriceExcludingVatCurrency") is not None
    sent_incl = body.get("unitPriceIncludingVatCurrency") is not None
    including = order["isPrioritizeAmountsIncludingVat"]
    if product and not sent_excl and not sent_incl and "_priced" not in line:
        # The product's price (in its own currency, NOK unless set) in the order's currency,
        # at the rate of the order date.
        day = order["orderDate"] or state.clock.today().isoformat()
        key = "priceIncludingVatCurrency" if including else "priceExcludingVatCurrency"
        price = currency.convert(product["currency"], line["currency"], product[key], day)
        line["unitPriceIncludingVatCurrency" if including else "unitPriceExcludingVatCurrency"] = (
            round(price, 2)
        )
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


def _order_delete(company_id, obj):
    refuse_if_invoiced(company_id, obj)


ORDER = crud.Resource(
    "order",
    required=("customer", "orderDate", "deliveryDate"),
    before_write=_order_before,
    after_write=_order_after,
    before_delete=_order_delete,
    filters=[
        ("id", "id", "ids"),
        ("number", "number", "ids"),
        ("customerId", "customer", "ref_ids"),
        ("orderDateFrom", "orderDate", "date_from"),
        ("orderDateTo", "orderDate", "date_to"),
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
    refuse_if_invoiced(g.company_id, order)
    return order


def _touch(order: dict, line: dict) -> None:
    crud.keep(order)
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
    with crud.atomic():
        line = save_line(g.company_id, order, body)
        _touch(order, line)
    return envelopes.value("orderline", line, 201)


@bp.post("/v2/order/orderline/list")
@entitled("order")
def post_lines():
    envelopes.requested_fields("orderline")

    def add(body):
        order = _line_order(body)
        line = save_line(g.company_id, order, body)
        _touch(order, line)
        return line

    return envelopes.batch("orderline", routes.each(routes.items(), add), 201)


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
    with crud.atomic():
        if request.method == "DELETE":
            crud.remove(g.company_id, "orderline", line_id)
            crud.keep(order)
            order["orderLines"] = [r for r in order["orderLines"] if r["id"] != line_id]
            order["version"] += 1
            crud.record_change(order, "UPDATE")
            crud.emit(g.company_id, "order.update", "order", order)
            return "", 204
        line = save_line(g.company_id, order, dict(crud.body_json(), id=line_id))
        _touch(order, line)
    return envelopes.value("orderline", line)
