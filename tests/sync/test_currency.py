"""Currencies reach Tripletex as the company's own currency ids, looked up by code: a
customer's from the company property the settings name, a product's from the portal's
company currency (HubSpot's prices are in it). Over real HTTP against both sandboxes."""

from __future__ import annotations

import requests

from tests.sync.conftest import Synced, tripletex_company
from tests.sync.test_customers import with_settings
from webapp.collaborators import Collaborators
from webapp.web.sandbox_connect import connect_sandbox_portal

EURO_PORTAL = 4000031
EURO_TOKEN = "euro-portal-employee-token"


def currency_ids(synced) -> dict[str, int]:
    with Collaborators.opened(synced.stack.app.config) as c:
        return {
            r["code"]: r["id"]
            for r in c.tripletex(synced.portal_id).list("/currency", fields="id,code")
        }


def customer_currencies(synced) -> dict[str, int]:
    with Collaborators.opened(synced.stack.app.config) as c:
        return {
            r["name"]: r["currency"]["id"]
            for r in c.tripletex(synced.portal_id).list("/customer", fields="name,currency(id)")
        }


def test_a_customer_gets_the_currency_the_company_property_names(synced):
    synced.create_property("companies", "valuta", "Valuta", "companyinformation")
    made = {
        name: synced.hubspot_control(
            "POST", "objects/companies", {"properties": {"name": name, "valuta": code}}
        )["id"]
        for name, code in (("Euro Kunde GmbH", "eur"), ("Ukjent Valuta AS", "XYZ"))
    }
    with_settings(synced, {"currency_property": "valuta"})

    synced.backfill()

    ids = currency_ids(synced)
    assert ids["EUR"] != ids["NOK"]
    held = customer_currencies(synced)
    assert held["Euro Kunde GmbH"] == ids["EUR"]  # written in lower case, understood
    # An unknown code: the customer is made all the same, in the company's own currency,
    # and the company says what to fix.
    assert held["Ukjent Valuta AS"] == ids["NOK"]
    noted = synced.rows(
        "select message from sync_log where hubspot_id = ? and problem like '%currency_unknown%'",
        [made["Ukjent Valuta AS"]],
    )
    assert [r["message"] for r in noted] == [
        "Company Ukjent Valuta AS has the currency “XYZ”, which Tripletex does not know. The "
        "customer is sent with the company's own currency. Write a three-letter currency "
        "code, such as EUR, in HubSpot's valuta property."
    ]
    # A demo company without the property keeps Tripletex's default.
    assert set(held.values()) == {ids["EUR"], ids["NOK"]}

    # A change of currency in HubSpot reaches the customer.
    synced.hubspot_control(
        "PATCH", f"objects/companies/{made['Euro Kunde GmbH']}", {"properties": {"valuta": "SEK"}}
    )
    synced.backfill("--restart")
    assert customer_currencies(synced)["Euro Kunde GmbH"] == ids["SEK"]


def test_products_of_a_portal_priced_in_euros_are_euro_products(stack):
    tripletex_company(stack, "Euro Salg AS", EURO_TOKEN)
    portal = requests.post(
        f"{stack.hubspot_url}/_sandbox/portals",
        json={
            "id": EURO_PORTAL,
            "name": "Euro Salg",
            "users": [{"email": "sjef@eurosalg.no", "firstName": "S", "lastName": "J"}],
            "currencies": ["EUR", "NOK"],
            "objects": {
                "products": [
                    {"properties": {"name": "Lisens", "hs_sku": "LIS-1", "price": "120"}},
                ]
            },
        },
        timeout=10,
    )
    assert portal.status_code == 201, portal.text
    assert connect_sandbox_portal(stack.app, EURO_PORTAL, EURO_TOKEN) == EURO_PORTAL
    euro = Synced(stack, EURO_PORTAL)

    euro.backfill()

    with Collaborators.opened(stack.app.config) as c:
        made = list(
            c.tripletex(EURO_PORTAL).list(
                "/product", fields="number,priceExcludingVatCurrency,currency(id)"
            )
        )
    assert [(p["number"], p["priceExcludingVatCurrency"], p["currency"]["id"]) for p in made] == [
        ("LIS-1", 120.0, currency_ids(euro)["EUR"])
    ]
