"""Demo world: one company with bank account, customers and products from the shared demo data,
plus an accounting firm whose accountant token reaches two client companies."""

from __future__ import annotations

import random
from datetime import timedelta

from stdnum.no import kontonr

from .. import demo_data
from . import crud, seed, vat
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
TRIPLETEX_ONLY_PRODUCTS = [("SERV-ANNUAL", "Årlig service", 4500.00, "3")]
# Customers that show how sending can fail, and a customer invoiced in euro (rates below).
# Their numbers come from a generator of their own, so the others stay as they were.
SEND_METHOD_CUSTOMERS = [
    # name, city, send method, email, in the Peppol registry
    ("Fjordnett EHF AS", "Førde", "EHF", "faktura@fjordnett.no", True),
    ("Uregistrert Handel AS", "Gjøvik", "EHF", "post@uregistrert.no", False),
    ("Brevik Papirfaktura AS", "Brevik", "PAPER", "", False),
]
EURO_CUSTOMER = {
    "name": "Alpenblick Handel GmbH",
    "email": "rechnung@alpenblick.example",
    "invoiceEmail": "rechnung@alpenblick.example",
    "invoicesDueIn": 30,
    "postalAddress": {
        "addressLine1": "Bahnhofstrasse 5",
        "postalCode": "6020",
        "city": "Innsbruck",
    },
}
# NOK per unit (per 100 for SEK and DKK) on the ten weekdays before the demo starts.
DEMO_RATES = {"EUR": 11.68, "USD": 10.07, "SEK": 105.9, "DKK": 156.6}


def bank_account_number(rng: random.Random) -> str:
    """Generate a valid 11-digit Norwegian bank account number (kontonummer) at bank 1503."""
    while True:
        body = "1503" + "".join(rng.choice(demo_data.DIGITS) for _ in range(6))
        number = demo_data.with_check_digit(body, kontonr)
        if number:
            return number


def _send_method_customers(state, company_id: int) -> None:
    rng = random.Random(4711)
    for name, city, method, email, in_peppol in SEND_METHOD_CUSTOMERS:
        number = demo_data.make_org_number(rng)
        address = {"addressLine1": "Strandgata 7", "postalCode": "6800", "city": city}
        crud.create(
            CUSTOMER,
            company_id,
            {
                "name": name,
                "organizationNumber": number,
                "email": email,
                "invoiceEmail": email,
                "invoiceSendMethod": method,
                # The paper customer has an address line but neither postal code nor city.
                "postalAddress": address if method != "PAPER" else {"addressLine1": "Kaia"},
            },
        )
        if in_peppol:
            state.peppol.add(number)
    crud.create(
        CUSTOMER,
        company_id,
        dict(
            EURO_CUSTOMER, currency={"id": 5}, physicalAddress=dict(EURO_CUSTOMER["postalAddress"])
        ),
    )


def _rates(state) -> None:
    day, n = state.clock.today(), 0
    while n < 10:
        day -= timedelta(days=1)
        if day.weekday() < 5:  # Norges Bank publishes on weekdays
            n += 1
            for code, rate in DEMO_RATES.items():
                drift = 1 + ((n * 7 + len(code)) % 5 - 2) / 1000
                state.rates.setdefault(code, {})[day.isoformat()] = round(rate * drift, 4)


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
        for sku, name, price, vat_number in products + TRIPLETEX_ONLY_PRODUCTS:
            crud.create(
                PRODUCT,
                main["id"],
                {
                    "name": name,
                    "number": sku,
                    "priceExcludingVatCurrency": price,
                    # demo_data holds VAT codes; Tripletex wants the company's id for the code
                    "vatType": vat.ref(main["id"], str(vat_number)),
                },
            )
        _send_method_customers(state, main["id"])
        _rates(state)
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
