"""VAT as Tripletex applies it: code 0 on a line without vatType or product, the product's code
on a product line, the Norwegian set of codes with ids that are not codes, typeOfVat, and a
company outside the VAT register (issue "Sandboxes, round 2", item 1)."""

from .flows import DAY, customer, invoice, order, vat

OUTGOING = {"3", "31", "32", "33", "5", "6", "51", "52", "7"}


def _numbers(tx, **params) -> set[str]:
    rows = tx.get(tx.u("/v2/ledger/vatType"), params=params).json()["values"]
    return {row["number"] for row in rows}


def _line(made: dict) -> dict:
    (line,) = made["orderLines"]
    return line


def test_a_line_without_vat_type_or_product_is_invoiced_at_vat_code_0(tx):
    """OBSERVED on Tripletex's sandbox, 2026-03-20 and -22: "POST /invoice without line vatType
    → 201 but amountCurrency == amountExcludingVatCurrency … Verification GET showed
    vatType.id=0" (fidelity-findings A5)."""
    made = order(
        tx, lines=[{"description": "Frakt", "count": 1, "unitPriceExcludingVatCurrency": 100}]
    )
    line = _line(made)
    assert line["vatType"]["id"] == 0
    assert (line["amountExcludingVatCurrency"], line["amountIncludingVatCurrency"]) == (100, 100)
    code = tx.get(tx.u("/v2/ledger/vatType/0")).json()["value"]
    assert (code["number"], code["percentage"]) == ("0", 0)
    charged = invoice(tx, made).json()["value"]
    assert charged["amountCurrency"] == charged["amountExcludingVatCurrency"] == 100


def test_a_product_line_takes_the_products_vat_code_unless_the_setting_says_code_0(make_sandbox):
    """A line naming a product and no vatType takes the product's (issue item 1; Part E1 of
    fidelity-findings calls it UNCONFIRMED, hence the setting line_vat_from_product)."""
    for from_product, total in ((True, 112), (False, 100)):
        api = make_sandbox(line_vat_from_product=from_product)
        tx = api.login()
        book = tx.post(
            tx.u("/v2/product"),
            json={"name": "Bok", "priceExcludingVatCurrency": 100, "vatType": vat(tx, "33")},
        ).json()["value"]
        line = _line(order(tx, lines=[{"product": {"id": book["id"]}, "count": 1}]))
        assert line["amountIncludingVatCurrency"] == total
        assert line["vatType"]["id"] == (vat(tx, "33")["id"] if from_product else 0)


def test_the_norwegian_codes_are_there_with_ids_that_are_not_their_codes(api):
    """The real set holds incoming and outgoing codes, 32 and 52 among them (OBSERVED,
    fidelity-findings A5); ids can differ per company, so resolve by number
    (tripletex-api.md §5.8). Code that sends a code as an id meets 422 "Ugyldig mva-kode."."""
    first, second = api.login(), api.login()
    numbers = _numbers(first)
    assert OUTGOING | {"0", "1", "11", "12", "13", "14", "15", "81", "86"} <= numbers
    rows = first.get(first.u("/v2/ledger/vatType")).json()["values"]
    assert [r["number"] for r in rows if r["id"] == int(r["number"])] == ["0"]
    assert vat(first, "3") != vat(second, "3")  # each company numbers its own
    by_number = first.post(
        first.u("/v2/order"),
        json={
            "customer": {"id": customer(first)["id"]},
            "orderDate": DAY,
            "deliveryDate": DAY,
            "orderLines": [
                {"count": 1, "unitPriceExcludingVatCurrency": 100, "vatType": {"id": 3}}
            ],
        },
    ).json()
    assert (by_number["status"], by_number["validationMessages"][0]["message"]) == (
        422,
        "Ugyldig mva-kode.",
    )
    high = first.get(first.u(f"/v2/ledger/vatType/{vat(first, '3')['id']}")).json()["value"]
    assert (high["name"], high["percentage"]) == ("Utgående avgift, høy sats", 25)


def test_type_of_vat_gives_outgoing_or_incoming_codes_only(tx):
    """Changelog 2.59.1: with typeOfVat "you will only get VAT types that the company has
    access to ... and is of the provided type"; vatDate is yyyy-MM-dd (spec)."""
    assert _numbers(tx, typeOfVat="OUTGOING", vatDate=DAY) == OUTGOING
    incoming = _numbers(tx, typeOfVat="INCOMING")
    assert {"1", "11", "13", "0"} <= incoming and not incoming & OUTGOING
    assert _numbers(tx, typeOfVat="LEDGER") == _numbers(tx)
    for params in ({"typeOfVat": "SALES"}, {"typeOfVat": "OUTGOING", "vatDate": "24.11.2026"}):
        refused = tx.get(tx.u("/v2/ledger/vatType"), params=params)
        assert refused.status_code == 422


def test_an_incoming_code_on_a_sale_is_refused(tx):
    """A purchase code (1, input VAT) on an order line or a product: "Ugyldig mva-kode."
    (fidelity-findings A5)."""
    product = tx.post(tx.u("/v2/product"), json={"name": "Vare", "vatType": vat(tx, "1")})
    assert product.json()["validationMessages"][0] == {
        "field": "vatType",
        "message": "Ugyldig mva-kode.",
        "path": "vatType",
        "rootId": None,
    }
    refused = tx.post(
        tx.u("/v2/order"),
        json={
            "customer": {"id": customer(tx)["id"]},
            "orderDate": DAY,
            "deliveryDate": DAY,
            "orderLines": [{"count": 1, "vatType": vat(tx, "1")}],
        },
    ).json()
    assert refused["validationMessages"][0]["field"] == "orderLines[0].vatType"
    assert tx.get(tx.u("/v2/product")).json()["values"] == []


def test_a_company_outside_the_vat_register_can_use_only_code_6(api):
    """OBSERVED: some accounts "expose only code 6, and then a hard-coded vatType.id=3 gives
    422 'Ugyldig mva-kode.'"; such an account's products default to code 6 (fidelity-findings
    A5, tripletex-api.md §5.3). Its VAT settings say VAT_NOT_REGISTERED (changelog 2.74.00)."""
    company = api.company(name="Liten Hobby AS", vatRegistered=False)
    assert company["vatRegistered"] is False
    tx = api.login(company)
    assert _numbers(tx, typeOfVat="OUTGOING", vatDate=DAY) == {"6"}
    settings = tx.get(tx.u("/v2/ledger/vatSettings")).json()["value"]
    assert settings["vatRegistrationStatus"] == "VAT_NOT_REGISTERED"
    refused = tx.post(
        tx.u("/v2/order"),
        json={
            "customer": {"id": customer(tx)["id"]},
            "orderDate": DAY,
            "deliveryDate": DAY,
            "orderLines": [{"count": 1, "unitPriceExcludingVatCurrency": 100, "vatType": vat(tx)}],
        },
    ).json()
    assert (refused["status"], refused["validationMessages"][0]["message"]) == (
        422,
        "Ugyldig mva-kode.",
    )
    product = tx.post(tx.u("/v2/product"), json={"name": "Vare", "priceExcludingVatCurrency": 100})
    assert product.json()["value"]["vatType"]["id"] == vat(tx, "6")["id"]
    assert product.json()["value"]["priceIncludingVatCurrency"] == 100
    line = _line(
        order(
            tx, lines=[{"count": 1, "unitPriceExcludingVatCurrency": 50, "vatType": vat(tx, "6")}]
        )
    )
    assert line["amountIncludingVatCurrency"] == 50
    registered = api.login(api.company())
    assert registered.get(registered.u("/v2/ledger/vatSettings")).json()["value"] == {
        "id": registered.company["id"],
        "version": 0,
        "url": f"{api.host}/v2/ledger/vatSettings/{registered.company['id']}",
        "vatRegistrationStatus": "VAT_REGISTERED",
    }
