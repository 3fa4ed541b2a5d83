"""Demo world: one company with bank account, customers and products from the shared demo data,
plus an accounting firm whose accountant token reaches two client companies."""
from __future__ import annotations

import random

from .. import demo_data
from . import crud, seed
from .entities import CUSTOMER, PRODUCT

DEMO_TOKENS = {
    "working": "demo-employee-token", "revoked": "demo-revoked-token",
    "other-app": "demo-other-app-token", "no-entitlements": "demo-no-entitlements-token",
}
ACCOUNTANT_TOKEN = "demo-accountant-token"


def bank_account_number(rng: random.Random) -> str:
    """An 11-digit Norwegian account number with a valid mod-11 check digit."""
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    while True:
        digits = "1503" + "".join(rng.choice("0123456789") for _ in range(6))
        check = 11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check)


def seed_demo(app) -> dict:
    """Seed the demo companies into `app`'s sandbox; returns the main company's description."""
    state = app.extensions["tripletex_sandbox"]
    rng = random.Random(2026)
    world = demo_data.build()
    with app.test_request_context(), state.lock:
        main = seed.create_company(state, name="Nordvik Demo AS",
                                   organization_number=demo_data.make_org_number(rng),
                                   bank_account_number=bank_account_number(rng),
                                   tokens=DEMO_TOKENS)
        for company in world["companies"]:
            if not company["in_tripletex"]:
                continue
            by_email = company["tripletex_match_by"] == "email"
            crud.create(CUSTOMER, main["id"], {
                "name": company["name"], "email": company["email"],
                "invoiceEmail": company["email"], "phoneNumber": company["phone"],
                # Matched by e-mail in the demo, so Tripletex holds no org number for it.
                "organizationNumber": "" if by_email else company["org_number"],
                "isInactive": company["tripletex_inactive"],
                "postalAddress": {"addressLine1": "Storgata 1", "postalCode": "0155",
                                  "city": company["city"]}})
        for product in world["products"]:
            if product["in_tripletex"]:
                crud.create(PRODUCT, main["id"], {
                    "name": product["name"], "number": product["sku"],
                    "priceExcludingVatCurrency": product["price"],
                    "vatType": {"id": product["vat_type"]}})
        client = seed.create_company(state, name="Fjellklient AS",
                                     organization_number=demo_data.make_org_number(rng),
                                     bank_account_number=bank_account_number(rng))
        seed.create_company(state, name="Regnskapshuset AS",
                            organization_number=demo_data.make_org_number(rng),
                            bank_account_number=bank_account_number(rng),
                            tokens={"accountant": ACCOUNTANT_TOKEN},
                            clients=[main["id"], client["id"]])
        return seed.describe(state, main)
