"""Demo world: one company with bank account, customers and products from the shared demo data,
plus an accounting firm whose accountant token reaches two client companies."""

from __future__ import annotations

import random

from stdnum.no import kontonr

from .. import demo_data
from . import crud, seed
from .entities import CUSTOMER, PRODUCT

DEMO_TOKENS = {
    "working": "demo-employee-token",
    "revoked": "demo-revoked-token",
    "other-app": "demo-other-app-token",
    "no-entitlements": "demo-no-entitlements-token",
}
ACCOUNTANT_TOKEN = "demo-accountant-token"
# Customers and products only Tripletex has, so not every record finds a HubSpot twin.
TRIPLETEX_ONLY_CUSTOMERS = [
    ("Kaiekanten Bakeri AS", "Bergen", "post@kaiekanten.no"),
    ("Tindeklatring Utstyr AS", "Lillehammer", "hei@tindeklatring.no"),
]
TRIPLETEX_ONLY_PRODUCTS = [("SERV-ANNUAL", "Årlig service", 4500.00, 3)]


def bank_account_number(rng: random.Random) -> str:
    """Generate a valid 11-digit Norwegian bank account number (kontonummer) at bank 1503."""
    while True:
        body = "1503" + "".join(rng.choice(demo_data.DIGITS) for _ in range(6))
        number = demo_data.with_check_digit(body, kontonr)
        if number:
            return number


def seed_demo(app) -> dict:
    """Seed the demo companies into `app`'s sandbox; returns the main company's description."""
    state = app.extensions["tripletex_sandbox"]
    rng = random.Random(2026)
    world = demo_data.build()
    with app.test_request_context(), state.lock:
        main = seed.create_company(
            state,
            name="Nordvik Demo AS",
            organization_number=demo_data.make_org_number(rng),
            bank_account_number=bank_account_number(rng),
            tokens=DEMO_TOKENS,
        )
        for company in world["companies"]:
            if not company["in_tripletex"]:
                continue
            by_email = company["tripletex_match_by"] == "email"
            crud.create(
                CUSTOMER,
                main["id"],
                {
                    "name": company["name"],
                    "email": company["email"],
                    "invoiceEmail": company["email"],
                    "phoneNumber": company["phone"],
                    # Matched by e-mail in the demo, so Tripletex holds no org number for it.
                    "organizationNumber": "" if by_email else company["org_number"],
                    "isInactive": company["tripletex_inactive"],
                    "postalAddress": {
                        "addressLine1": "Storgata 1",
                        "postalCode": "0155",
                        "city": company["city"],
                    },
                },
            )
        for name, city, email in TRIPLETEX_ONLY_CUSTOMERS:
            crud.create(
                CUSTOMER,
                main["id"],
                {
                    "name": name,
                    "email": email,
                    "invoiceEmail": email,
                    "organizationNumber": demo_data.make_org_number(rng),
                    "postalAddress": {
                        "addressLine1": "Kaien 3",
                        "postalCode": "5003",
                        "city": city,
                    },
                },
            )
        products = [
            (p["sku"], p["name"], p["price"], p["vat_type"])
            for p in world["products"]
            if p["in_tripletex"]
        ]
        for sku, name, price, vat_type in products + TRIPLETEX_ONLY_PRODUCTS:
            crud.create(
                PRODUCT,
                main["id"],
                {
                    "name": name,
                    "number": sku,
                    "priceExcludingVatCurrency": price,
                    "vatType": {"id": vat_type},
                },
            )
        client = seed.create_company(
            state,
            name="Fjellklient AS",
            organization_number=demo_data.make_org_number(rng),
            bank_account_number=bank_account_number(rng),
        )
        seed.create_company(
            state,
            name="Regnskapshuset AS",
            organization_number=demo_data.make_org_number(rng),
            bank_account_number=bank_account_number(rng),
            tokens={"accountant": ACCOUNTANT_TOKEN},
            clients=[main["id"], client["id"]],
        )
        return seed.describe(state, main)
