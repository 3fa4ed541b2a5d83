"""What a won deal's order holds: its lines, discounts, VAT, currency and prices, and which
stage of which pipeline makes it. Over real HTTP; Tripletex's own computed amounts are the
check."""

from __future__ import annotations

from decimal import Decimal

from tests.sync.test_deals import (
    deals,
    invoices_of,
    new_deal,
    orders_of,
    record_id,
    settle,
    win_and_run,
)
from tests.sync.test_live import delivered, run
from webapp.collaborators import Collaborators
from webapp.sandbox.hubspot.demo import PROJECT_PIPELINE, PROJECT_WON

CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def a_product(synced) -> dict:
    answer = synced.hubspot_control("GET", "objects/products")
    product = sorted(answer["results"], key=lambda r: int(r["id"]))[0]
    return dict(product["properties"], id=product["id"])


def a_company(synced) -> str:
    return sorted(synced.companies(), key=int)[0]


def test_discounts_as_a_percentage_and_as_an_amount_reach_the_lines(live):
    product = a_product(live)
    price = Decimal(product["price"])
    deal_id = new_deal(
        live,
        "Rabattert avtale",
        company=a_company(live),
        lines=(
            {"hs_product_id": product["id"], "quantity": "4", "hs_discount_percentage": "10"},
            {"hs_product_id": product["id"], "quantity": "2", "discount": str(price / 4)},
        ),
    )
    win_and_run(live, deal_id)

    (order,) = orders_of(live, deal_id)
    discounts = sorted(Decimal(str(line["discount"])) for line in order["orderLines"])
    assert discounts == [Decimal(10), Decimal(25)]  # a quarter of the unit price is 25 %
    (invoice,) = invoices_of(live, [order["id"]])
    net = price * 4 * Decimal("0.9") + price * 2 * Decimal("0.75")
    assert money(invoice["amountExcludingVatCurrency"]) == money(net)
    assert money(invoice["amountCurrency"]) == money(net * Decimal("1.25"))


def test_a_free_text_line_gets_the_default_vat_code_never_zero_by_omission(live):
    deal_id = new_deal(
        live,
        "Fritekst",
        company=a_company(live),
        lines=({"name": "Rådgivning etter avtale", "quantity": "3", "price": "1000"},),
    )
    win_and_run(live, deal_id)

    (order,) = orders_of(live, deal_id)
    (line,) = order["orderLines"]
    assert line["product"] is None
    assert line["description"] == "Rådgivning etter avtale"
    assert (line["vatType"]["number"], line["vatType"]["percentage"]) == ("3", 25.0)
    (invoice,) = invoices_of(live, [order["id"]])
    assert money(invoice["amountCurrency"]) == money(3750)


def add_currency(synced, code: str) -> None:
    """The portal's admin adds a currency in HubSpot's settings (no API does)."""
    sandbox = synced.stack.hubspot_sandbox
    with sandbox.state.lock:
        sandbox.state.portals[synced.portal_id].currencies.append(code)


def test_a_deal_in_euros_is_invoiced_in_euros_and_its_amounts_come_back_in_euros(live):
    add_currency(live, "EUR")
    deal_id = new_deal(
        live,
        "Eksport",
        company=a_company(live),
        deal_currency_code="EUR",
        lines=({"name": "Lisens", "quantity": "2", "price": "500"},),
    )
    win_and_run(live, deal_id)

    (order,) = orders_of(live, deal_id)
    with Collaborators.opened(live.stack.app.config) as c:
        euro = {r["code"]: r["id"] for r in c.tripletex(live.portal_id).list("/currency")}["EUR"]
    assert order["currency"]["id"] == euro
    (invoice,) = invoices_of(live, [order["id"]])
    assert money(invoice["amountCurrency"]) == money(1250)
    assert money(invoice["amount"]) != money(1250)  # the same invoice in kroner
    shown = deals(live)[deal_id]
    assert money(shown["tripletex_invoice_amount"]) == money(1250)
    assert money(shown["tripletex_amount_outstanding"]) == money(1250)


def test_prices_including_vat_are_sent_as_such_and_tripletex_takes_the_vat_out(live):
    settle(live, prices_include_vat=True)
    deal_id = new_deal(
        live,
        "Inkl. mva",
        company=a_company(live),
        lines=({"name": "Kurs", "quantity": "2", "price": "1250"},),
    )
    win_and_run(live, deal_id)

    (order,) = orders_of(live, deal_id)
    assert order["isPrioritizeAmountsIncludingVat"] is True
    (line,) = order["orderLines"]
    assert money(line["unitPriceIncludingVatCurrency"]) == money(1250)
    (invoice,) = invoices_of(live, [order["id"]])
    assert money(invoice["amountCurrency"]) == money(2500)
    assert money(invoice["amountExcludingVatCurrency"]) == money(2000)


def stage_api(synced, method: str, path: str, body: dict | None = None) -> dict:
    """The Pipelines API, as the portal's admin uses it (through our own client)."""
    with Collaborators.opened(synced.stack.app.config) as c:
        response = c.hubspot(synced.portal_id).request(
            method, f"/crm/v3/pipelines/deals{path}", json=body
        )
        return response.json() if response.content else {}


def test_a_second_pipeline_with_numeric_ids_and_a_renamed_won_stage_invoices(live):
    stage_api(
        live,
        "PATCH",
        f"/{PROJECT_PIPELINE}/stages/{PROJECT_WON}",
        {"label": "Signert", "metadata": {"probability": "1.0", "isClosed": "true"}},
    )
    deal_id = record_id(live, "deals", "dealstage", "1001002")  # an open project deal

    win_and_run(live, deal_id, PROJECT_WON)

    (order,) = orders_of(live, deal_id)
    assert len(invoices_of(live, [order["id"]])) == 1
    assert deals(live)[deal_id]["tripletex_invoice_status"] == "invoiced"


def test_a_pipeline_made_since_the_last_run_is_read_and_its_won_stage_invoices(live):
    made = stage_api(
        live,
        "POST",
        "",
        {
            "label": "Partnersalg",
            "displayOrder": 5,
            "stages": [
                {"label": "Ny", "displayOrder": 0, "metadata": {"probability": "0.2"}},
                {
                    "label": "Avtalt",
                    "displayOrder": 1,
                    "metadata": {"probability": "1.0", "isClosed": "true"},
                },
            ],
        },
    )
    first, won = (s["id"] for s in sorted(made["stages"], key=lambda s: s["displayOrder"]))
    deal_id = new_deal(
        live,
        "Partneravtale",
        company=a_company(live),
        pipeline=made["id"],
        stage=first,
        lines=({"name": "Partnerpakke", "quantity": "1", "price": "900"},),
    )
    delivered(live)
    run(live)
    assert orders_of(live, deal_id) == []  # not won yet

    win_and_run(live, deal_id, won)

    (order,) = orders_of(live, deal_id)
    assert len(invoices_of(live, [order["id"]])) == 1


def test_a_rule_on_another_stage_makes_an_order_only_and_a_pipeline_set_to_nothing_makes_none(
    live,
):
    settle(
        live,
        stage_rules={
            "default": {"stage": "contractsent", "action": "order"},
            PROJECT_PIPELINE: {"stage": PROJECT_WON, "action": "nothing"},
        },
    )
    ordered = new_deal(
        live,
        "Kun ordre",
        stage="qualifiedtobuy",
        closedate="2026-12-15",  # an open deal's expected date: the delivery date
        company=a_company(live),
        lines=({"name": "Vare", "quantity": "1", "price": "100"},),
    )
    win_and_run(live, ordered, "contractsent")
    project = record_id(live, "deals", "dealstage", "1001002")
    win_and_run(live, project, PROJECT_WON)

    (order,) = orders_of(live, ordered)
    assert order["deliveryDate"] == "2026-12-15"
    assert invoices_of(live, [order["id"]]) == []
    assert deals(live)[ordered]["tripletex_invoice_status"] == "ordered"
    assert orders_of(live, project) == []
    assert not deals(live)[project].get("tripletex_order_id")


HOBBY_PORTAL = 4000041
HOBBY_TOKEN = "hobby-employee-token"


def test_a_company_outside_the_vat_register_invoices_with_code_6_on_every_line(stack):
    """Its only outgoing code is 6 (no VAT): products and free-text lines get it, never 25 %."""
    import requests

    from tests.sync.conftest import Synced
    from tests.sync.test_live import delivered, run
    from webapp.web.sandbox_connect import connect_sandbox_portal

    made = requests.post(
        f"{stack.tripletex_url}/_sandbox/companies",
        json={"name": "Liten Hobby AS", "tokens": {"working": HOBBY_TOKEN}, "vatRegistered": False},
        timeout=10,
    )
    assert made.status_code == 201, made.text
    portal = requests.post(
        f"{stack.hubspot_url}/_sandbox/portals",
        json={
            "id": HOBBY_PORTAL,
            "name": "Liten Hobby",
            "users": [{"email": "eier@hobby.no", "firstName": "E", "lastName": "H"}],
            "objects": {
                "companies": [{"properties": {"name": "Kunde AS"}}],
                "products": [
                    {"properties": {"name": "Strikkepinner", "hs_sku": "SP-1", "price": "80"}}
                ],
            },
        },
        timeout=10,
    )
    assert portal.status_code == 201, portal.text
    assert connect_sandbox_portal(stack.app, HOBBY_PORTAL, HOBBY_TOKEN) == HOBBY_PORTAL
    hobby = Synced(stack, HOBBY_PORTAL)
    hobby.backfill()
    delivered(hobby)
    company = next(iter(hobby.companies()))
    product = record_id(hobby, "products", "hs_sku", "SP-1")
    deal_id = new_deal(
        hobby,
        "Hobbysalg",
        company=company,
        lines=(
            {"hs_product_id": product, "quantity": "2"},
            {"name": "Frakt", "quantity": "1", "price": "50"},
        ),
    )
    hobby.hubspot_control(
        "PATCH", f"objects/deals/{deal_id}", {"properties": {"dealstage": "closedwon"}}
    )
    delivered(hobby)
    run(hobby)

    (order,) = orders_of(hobby, deal_id)
    assert sorted(line["vatType"]["number"] for line in order["orderLines"]) == ["6", "6"]
    (invoice,) = invoices_of(hobby, [order["id"]])
    assert money(invoice["amountCurrency"]) == money(210)  # 2 × 80 + 50, no VAT on top


def test_a_deal_moved_to_another_pipeline_follows_that_pipelines_rule(live):
    settle(live, stage_rules={"default": {"stage": "closedwon", "action": "nothing"}})
    deal_id = new_deal(
        live,
        "Flyttet",
        company=a_company(live),
        lines=({"name": "Prosjekt", "quantity": "1", "price": "700"},),
    )
    win_and_run(live, deal_id)  # the default pipeline makes nothing now
    assert orders_of(live, deal_id) == []

    win_and_run(live, deal_id, PROJECT_WON, pipeline=PROJECT_PIPELINE)

    (order,) = orders_of(live, deal_id)
    assert len(invoices_of(live, [order["id"]])) == 1
