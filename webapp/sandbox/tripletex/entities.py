"""Customer, contact and product: defaults, derived fields and search filters."""

from __future__ import annotations

from flask import Blueprint, g

from . import crud, envelopes, routes, vat
from .auth import entitled
from .errors import validation

bp = Blueprint("tripletex_entities", __name__)
NOK = {"id": 1}
HAS_POSTINGS = "{what} har posteringer i regnskapet og kan ikke slettes. Sett den inaktiv i stedet."


def _addresses(company_id: int, obj: dict, body: dict, creating: bool) -> None:
    """Nested addresses: without id they are created, with id they are updated."""
    state = envelopes.state()
    for key in ("postalAddress", "physicalAddress", "deliveryAddress"):
        if key not in body or not isinstance(body[key], dict):
            continue
        data = dict(body.pop(key))
        address = state.get(company_id, "address", data.get("id")) if data.get("id") else None
        if address is None:
            address = crud.new_object("address")
            address["id"] = state.next_id("address")
            crud.insert(company_id, "address", address)
        else:
            crud.keep(address)
        data.pop("id", None)
        data.pop("version", None)
        crud.assign(company_id, "address", address, data)
        _address_names(address)
        obj[key] = {"id": address["id"]}
    if creating:
        # Tripletex creates an empty physical (and postal) address when none is given.
        for key in ("postalAddress", "physicalAddress"):
            if obj.get(key) is None and key not in body:
                address = crud.new_object("address")
                address["id"] = state.next_id("address")
                crud.insert(company_id, "address", address)
                obj[key] = {"id": address["id"]}


def _address_names(address: dict) -> None:
    parts = [
        address["addressLine1"],
        address["addressLine2"],
        f"{address['postalCode']} {address['city']}".strip(),
    ]
    text = ", ".join(p for p in parts if p)
    address["displayName"] = address["addressAsString"] = text


def _customer_before(company_id, obj, body, creating):
    _addresses(company_id, obj, body, creating)


def _customer_after(company_id, obj, creating):
    if not obj["customerNumber"]:
        obj["customerNumber"] = envelopes.state().counter(company_id, "customerNumber")
    obj["displayName"] = f"{obj['name']} ({obj['customerNumber']})"
    if obj["currency"] is None:
        obj["currency"] = dict(NOK)


def _contact_after(company_id, obj, creating):
    obj["displayName"] = f"{obj['firstName']} {obj['lastName']}".strip()


def _product_before(company_id, obj, body, creating):
    obj["_price_keys"] = [
        k
        for k in ("priceExcludingVatCurrency", "priceIncludingVatCurrency")
        if body.get(k) is not None
    ]


def _product_after(company_id, obj, creating):
    state = envelopes.state()
    if obj["vatType"] is None:
        # A fresh production account defaults to code 3 (25 %); one outside VAT to code 6.
        obj["vatType"] = vat.default_product_ref(company_id)
    vat.check_sales(company_id, obj["vatType"], "vatType")
    if obj["currency"] is None:
        obj["currency"] = dict(NOK)
    rate = vat.rate(company_id, obj["vatType"])
    sent = obj.pop("_price_keys", [])
    if "priceIncludingVatCurrency" in sent and "priceExcludingVatCurrency" not in sent:
        obj["priceExcludingVatCurrency"] = round(obj["priceIncludingVatCurrency"] / (1 + rate), 2)
    else:
        obj["priceIncludingVatCurrency"] = round(obj["priceExcludingVatCurrency"] * (1 + rate), 2)
    number, own = obj["number"], obj["id"]
    if number and any(
        p["number"] == number and p["id"] != own
        for p in state.table(company_id, "product").values()
    ):
        raise validation("number", f"Produktnummeret {number} er i bruk.")
    obj["displayNumber"] = obj["number"]
    obj["displayName"] = f"{obj['number']} {obj['name']}".strip()


def _refuse_with_postings(what: str, field: str):
    """A before_delete: records the ledger points at stay (deactivate them instead)."""

    def check(company_id, obj):
        for posting in envelopes.state().table(company_id, "posting").values():
            if (posting.get(field) or {}).get("id") == obj["id"]:
                raise validation("id", HAS_POSTINGS.format(what=what))

    return check


CUSTOMER = crud.Resource(
    "customer",
    required=("name",),
    before_write=_customer_before,
    after_write=_customer_after,
    before_delete=_refuse_with_postings("Kunden", "customer"),
    filters=[
        ("id", "id", "ids"),
        ("customerAccountNumber", "customerNumber", "ids"),
        ("organizationNumber", "organizationNumber", "eq"),
        ("email", "email", "eq"),
        ("invoiceEmail", "invoiceEmail", "eq"),
        ("customerName", "name", "contains"),
        ("phoneNumberMobile", "phoneNumberMobile", "eq"),
        ("isInactive", "isInactive", "inactive"),
        ("accountManagerId", "accountManager", "ref_ids"),
        ("changedSince", "_changed_at", "changed_since"),
    ],
)
CONTACT = crud.Resource(
    "contact",
    after_write=_contact_after,
    filters=[
        ("id", "id", "ids"),
        ("firstName", "firstName", "contains"),
        ("lastName", "lastName", "contains"),
        ("email", "email", "contains"),
        ("customerId", "customer", "ref_ids"),
        ("departmentId", "department", "ref_ids"),
    ],
)
PRODUCT = crud.Resource(
    "product",
    before_write=_product_before,
    after_write=_product_after,
    before_delete=_refuse_with_postings("Produktet", "product"),
    filters=[
        ("ids", "id", "ids"),
        ("productNumber", "number", "array"),  # type: array, repeated (spec)
        ("number", "number", "integers"),  # "DEPRECATED. List of product numbers (Integer only)"
        ("name", "name", "contains"),
        ("ean", "ean", "eq"),
        ("isInactive", "isInactive", "bool"),
        ("vatTypeId", "vatType", "ref_ids"),
        ("currencyId", "currency", "ref_ids"),
    ],
)

routes.register(bp, CUSTOMER, "customer", "customer")
routes.register(
    bp, CONTACT, "contact", "customer", methods=("list", "get", "post", "put", "post_list")
)
routes.register(bp, PRODUCT, "product", "product")


@bp.delete("/v2/contact/list")
@entitled("customer")
def delete_contacts():
    # There is no single-contact DELETE in 2.74; this batch is the only way.
    routes.delete_many(CONTACT, g.company_id, routes.ids_param())
    return "", 204
