"""Demo data: a Norwegian portal built from the shared demo world, and an empty second portal.

Organisation numbers live in a custom company property `orgnr` (text, not unique), as a
customer would add it; demo_data deliberately includes malformed ones the sync must handle.
Beside the 16 deals of the `default` pipeline, a second pipeline, "Prosjektsalg", has numeric
ids as HubSpot gives them (its won stage is 1001003, not closedwon) and three deals whose line
items carry discounts; the won one's amount is what its owner typed, not its lines' total,
since HubSpot does not roll line items up into the deal.
"""

from __future__ import annotations

import random

from webapp.sandbox import demo_data

from . import index as search_index
from . import records, seeding
from .state import iso

DEMO_PORTAL, EMPTY_PORTAL = 4000001, 4000002
PROJECT_PIPELINE, PROJECT_WON = "7654321", "1001003"
PROJECTS = {
    "id": PROJECT_PIPELINE,
    "label": "Prosjektsalg",
    "displayOrder": 1,
    "stages": [
        {"id": "1001001", "label": "Forespørsel mottatt", "probability": 0.1},
        {"id": "1001002", "label": "Tilbud sendt", "probability": 0.5},
        {"id": PROJECT_WON, "label": "Prosjekt vunnet", "probability": 1.0, "isClosed": True},
        {"id": "1001004", "label": "Prosjekt tapt", "probability": 0.0, "isClosed": True},
    ],
}
# (company index, stage, the amount its owner typed or None, [(product index, quantity,
# discount properties)]) for the deals of the project pipeline.
_PROJECT_DEALS = [
    (
        16,
        PROJECT_WON,
        "50000",
        [(4, 3, {"hs_discount_percentage": "10"}), (0, 8, {"discount": "150"})],
    ),
    (17, "1001002", None, [(1, 12, {"hs_discount_percentage": "5"})]),
    (18, "1001004", None, [(3, 1, {"discount": "800"})]),
]
SOURCE = ("CRM_UI", "userId:7000001")
_STAGES = [
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedwon",
    "closedlost",
]


def seed_demo(target) -> dict:
    """Seed the demo portals into a Sandbox (or an app holding one); return a summary."""
    sb = target.extensions["hubspot_sandbox"] if hasattr(target, "extensions") else target
    world = demo_data.build(sb.settings["seed"])
    rng = random.Random(sb.settings["seed"])
    state = sb.state
    with state.lock:
        portal = state.add_portal(
            DEMO_PORTAL,
            "Nordisk Demo AS",
            "nordisk-demo.no",
            [
                {
                    "id": 7000001,
                    "email": "kari.admin@nordisk-demo.no",
                    "firstName": "Kari",
                    "lastName": "Nordmann",
                    "superAdmin": True,
                },
                {
                    "id": 7000002,
                    "email": "ola.selger@nordisk-demo.no",
                    "firstName": "Ola",
                    "lastName": "Selger",
                    "superAdmin": False,
                },
            ],
        )
        state.add_portal(
            EMPTY_PORTAL,
            "Tom Testportal AS",
            "tom-testportal.no",
            [
                {
                    "id": 7000003,
                    "email": "admin@tom-testportal.no",
                    "firstName": "Test",
                    "lastName": "Admin",
                    "superAdmin": True,
                }
            ],
        )
        portal.custom_properties["companies"]["orgnr"] = {
            "name": "orgnr",
            "label": "Organisasjonsnummer",
            "type": "string",
            "fieldType": "text",
            "groupName": "companyinformation",
            "description": "Norwegian organisation number (nine digits)",
            "hasUniqueValue": False,
            "createdAt": iso(sb.clock.now()),
        }
        companies = {}
        for company in world["companies"]:
            companies[company["key"]] = records.create(
                sb,
                portal,
                "companies",
                {
                    "name": company["name"],
                    "domain": company["domain"],
                    "city": company["city"],
                    "phone": company["phone"],
                    "country": "Norway",
                    "orgnr": company["org_number"],
                },
                source=SOURCE,
            )
        by_company: dict[str, list] = {}
        for contact in world["contacts"]:
            company = companies[contact["company"]]
            record = records.create(
                sb,
                portal,
                "contacts",
                {
                    "firstname": contact["firstname"],
                    "lastname": contact["lastname"],
                    "email": contact["email"],
                    "phone": contact["phone"],
                },
                [
                    {
                        "to": {"id": company.id},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}
                        ],
                    },
                    {
                        "to": {"id": company.id},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
                        ],
                    },
                ],
                SOURCE,
            )
            by_company.setdefault(company.id, []).append(record)
        products = [
            records.create(
                sb,
                portal,
                "products",
                {
                    "name": p["name"],
                    "hs_sku": p["sku"],
                    "price": p["price"],
                    "description": f"{p['name']} (SKU {p['sku']})",
                },
                source=SOURCE,
            )
            for p in world["products"]
        ]
        deals = []
        for index, company in enumerate(list(companies.values())[:16]):
            stage = _STAGES[index % len(_STAGES)]
            closed = stage.startswith("closed")
            deal = records.create(
                sb,
                portal,
                "deals",
                {
                    "dealname": f"{company.properties['name']} – avtale {index + 1}",
                    "pipeline": "default",
                    "dealstage": stage,
                    "closedate": iso(
                        sb.clock.now() - (30 - index) * 86400
                        if closed
                        else sb.clock.now() + (index + 5) * 86400
                    ),
                },
                [
                    {
                        "to": {"id": company.id},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}
                        ],
                    },
                    {
                        "to": {"id": company.id},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341}
                        ],
                    },
                ],
                SOURCE,
            )
            for contact in by_company.get(company.id, [])[:1]:
                records.associate(
                    sb,
                    portal,
                    "deals",
                    deal.id,
                    "contacts",
                    contact.id,
                    "HUBSPOT_DEFINED",
                    3,
                    SOURCE,
                )
            total = 0.0
            for product in rng.sample(products, rng.randint(1, 3)):
                quantity = rng.randint(1, 10)
                item = records.create(
                    sb,
                    portal,
                    "line_items",
                    {"hs_product_id": product.id, "quantity": quantity},
                    [
                        {
                            "to": {"id": deal.id},
                            "types": [
                                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20}
                            ],
                        }
                    ],
                    SOURCE,
                )
                total += float(item.properties["amount"])
            records.update(sb, portal, "deals", deal, {"amount": total}, SOURCE)
            deals.append(deal)
        deals += _project_deals(sb, portal, list(companies.values()), products)
        search_index.settle(portal)
    return {
        "portals": [DEMO_PORTAL, EMPTY_PORTAL],
        "companies": len(companies),
        "contacts": len(world["contacts"]),
        "products": len(products),
        "deals": len(deals),
    }


def _project_deals(sb, portal, companies: list, products: list) -> list:
    """Seed the project pipeline and its deals, with discounted line items."""
    seeding.add_pipeline(sb, portal, PROJECTS)
    made = []
    for number, (company, stage, typed, lines) in enumerate(_PROJECT_DEALS, start=1):
        closed = stage in (PROJECT_WON, "1001004")
        deal = records.create(
            sb,
            portal,
            "deals",
            {
                "dealname": f"{companies[company].properties['name']} – prosjekt {number}",
                "pipeline": PROJECT_PIPELINE,
                "dealstage": stage,
                "closedate": iso(sb.clock.now() + (-10 if closed else 20) * 86400),
            },
            [
                {
                    "to": {"id": companies[company].id},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}],
                }
            ],
            SOURCE,
        )
        total = 0.0
        for product, quantity, discount in lines:
            item = records.create(
                sb,
                portal,
                "line_items",
                {"hs_product_id": products[product].id, "quantity": quantity, **discount},
                [
                    {
                        "to": {"id": deal.id},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20}
                        ],
                    }
                ],
                SOURCE,
            )
            total += float(item.properties["amount"])
        records.update(sb, portal, "deals", deal, {"amount": typed or total}, SOURCE)
        made.append(deal)
    return made
