"""The demo world both sandboxes seed from, so matching between them has real work to do.

Some HubSpot companies already exist as Tripletex customers (same organisation number, or
the same e-mail), one of those is inactive in Tripletex, a few HubSpot companies carry
malformed organisation numbers, and some products share SKUs with Tripletex products.
"""

from __future__ import annotations

import random

from stdnum.no import orgnr

DIGITS = "0123456789"


def with_check_digit(body: str, scheme) -> str | None:
    """Return `body` and the one check digit stdnum's `scheme` accepts, or None if none does."""
    # stdnum keeps its check-digit arithmetic private; its validator is public. A mod-11 body
    # whose check digit would be 10 has no valid number, and then no digit passes.
    return next((body + d for d in DIGITS if scheme.is_valid(body + d)), None)


def make_org_number(rng: random.Random) -> str:
    """Generate a valid organisation number (companies' numbers start with 8 or 9)."""
    while True:
        body = rng.choice("89") + "".join(rng.choice(DIGITS) for _ in range(7))
        number = with_check_digit(body, orgnr)
        if number:
            return number


_NAMES = [
    ("Fjordkraft Energi AS", "Bergen"),
    ("Nordlys Regnskap AS", "Tromsø"),
    ("Bølgen Design AS", "Stavanger"),
    ("Trollfjell Bygg AS", "Ålesund"),
    ("Havbris Sjømat AS", "Bodø"),
    ("Midnattsol Reiser AS", "Tromsø"),
    ("Granskog Tre AS", "Elverum"),
    ("Vikingskip Logistikk AS", "Oslo"),
    ("Solsiden Kafé AS", "Trondheim"),
    ("Fossekall Elektro AS", "Drammen"),
    ("Kystlinjen Marine AS", "Kristiansand"),
    ("Aurora Helse AS", "Oslo"),
    ("Blåbær Barnehager AS", "Hamar"),
    ("Stavkirke Eiendom AS", "Lillehammer"),
    ("Nordkapp Turisme AS", "Honningsvåg"),
    ("Lysefjord Media AS", "Sandnes"),
    ("Polarstjerne IT AS", "Oslo"),
    ("Rondane Friluft AS", "Otta"),
    ("Skarvet Rørleggerservice AS", "Haugesund"),
    ("Tindefjell Arkitekter AS", "Molde"),
    ("Lofotfisk Eksport AS", "Svolvær"),
    ("Elvebredden Advokat AS", "Fredrikstad"),
    ("Jotunheimen Sport AS", "Lom"),
    ("Sørlandet Solenergi AS", "Arendal"),
    ("Hardanger Frukt og Sider AS", "Lofthus"),
]

_PRODUCTS = [
    ("CONS-HOUR", "Rådgivning, time", 1450.00, 3),
    ("SUPP-MONTH", "Support, måned", 2990.00, 3),
    ("LIC-USER", "Lisens per bruker", 199.00, 3),
    ("INST-FIX", "Installasjon, fastpris", 9800.00, 3),
    ("TRAIN-DAY", "Kursdag", 12500.00, 3),
    ("HW-ROUTER", "Ruter", 2490.00, 3),
    ("BOOK-GUIDE", "Brukerveiledning (bok)", 349.00, 33),
    ("FOOD-LUNCH", "Lunsj per person", 185.00, 31),
    ("TRAVEL", "Reisekostnader", 1.00, 6),
    ("EXPORT-SRV", "Tjeneste til utlandet", 5000.00, 5),
]


def build(seed: int = 2026) -> dict:
    """Return the demo world: companies, contacts and products, with where each lives."""
    rng = random.Random(seed)
    companies = []
    for index, (name, city) in enumerate(_NAMES):
        slug = name.split()[0].lower().replace("ø", "o").replace("å", "a").replace("æ", "ae")
        org = valid = make_org_number(rng)
        if index in (5, 13, 21):
            org = org[:8] + str((int(org[8]) + 1) % 10)  # a typo: the check digit is wrong
        if index == 17:
            org = "98 765 43"  # too short
        companies.append(
            {
                "key": f"company-{index + 1}",
                "name": name,
                "city": city,
                "org_number": org,
                "org_number_malformed": org != valid,
                "domain": f"{slug}.no",
                "email": f"post@{slug}.no",
                "phone": f"+47 {rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
                # Existing Tripletex customers: matched by org number, by e-mail, and one inactive.
                "in_tripletex": index in (0, 1, 2, 3, 6, 9),
                "tripletex_inactive": index == 6,
                "tripletex_match_by": "email" if index == 9 else "org_number",
            }
        )
    contacts = []
    first_names = [
        "Ingrid",
        "Ole",
        "Kari",
        "Lars",
        "Sigrid",
        "Magnus",
        "Astrid",
        "Henrik",
        "Nora",
        "Jonas",
        "Ida",
        "Emil",
    ]
    last_names = [
        "Hansen",
        "Johansen",
        "Olsen",
        "Larsen",
        "Andersen",
        "Pedersen",
        "Nilsen",
        "Kristiansen",
        "Berg",
        "Haugen",
    ]
    for company in companies:
        for n in range(rng.randint(1, 3)):
            first, last = rng.choice(first_names), rng.choice(last_names)
            contacts.append(
                {
                    "company": company["key"],
                    "firstname": first,
                    "lastname": last,
                    "email": f"{first.lower()}.{last.lower()}{n}@{company['domain']}",
                    "phone": f"+47 9{rng.randint(1000000, 9999999)}",
                }
            )
    products = [
        {"sku": sku, "name": name, "price": price, "vat_type": vat, "in_tripletex": i < 5}
        for i, (sku, name, price, vat) in enumerate(_PRODUCTS)
    ]
    return {"companies": companies, "contacts": contacts, "products": products}
