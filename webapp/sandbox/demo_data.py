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


# A generated world: big portals for the sync benchmarks. Names are built from parts, so two
# companies can share a name (as in a real CRM; only the organisation number tells them apart).
_STEMS = [
    "Fjord", "Nordlys", "Bølge", "Troll", "Havbris", "Midnattsol", "Granskog", "Viking",
    "Solside", "Fossekall", "Kystlinje", "Aurora", "Blåbær", "Stavkirke", "Nordkapp", "Lysefjord",
    "Polarstjerne", "Rondane", "Skarv", "Tindefjell", "Lofot", "Elvebredd", "Jotun", "Sørland",
    "Hardanger", "Fjellvann", "Måke", "Ørn", "Elg", "Reinsdyr", "Furu", "Bjerk", "Sjøsprøyt",
    "Vindkast", "Isbre", "Nordavind", "Brygge", "Kai", "Fyrlykt", "Strand",
]  # fmt: skip
_TRADES = [
    "Bygg", "Regnskap", "Design", "Sjømat", "Reiser", "Elektro", "Marine", "Helse", "Eiendom",
    "Media", "IT", "Logistikk", "Rør", "Advokat", "Sport", "Energi", "Maskin", "Transport",
    "Catering", "Konsult",
]  # fmt: skip
_CITIES = [
    "Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Kristiansand", "Drammen", "Bodø",
    "Ålesund", "Fredrikstad", "Hamar", "Lillehammer", "Molde", "Haugesund", "Arendal",
]  # fmt: skip
_FIRST = ["Ingrid", "Ole", "Kari", "Lars", "Sigrid", "Magnus", "Astrid", "Henrik", "Nora",
          "Jonas", "Ida", "Emil", "Sofie", "Jakob", "Emma", "Filip", "Maja", "Aksel"]  # fmt: skip
_LAST = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
         "Kristiansen", "Berg", "Haugen", "Bakke", "Dahl", "Solberg", "Lie", "Moen"]  # fmt: skip
_GOODS = [
    ("Rådgivning", 1450.0, 3), ("Support", 2990.0, 3), ("Lisens", 199.0, 3),
    ("Installasjon", 9800.0, 3), ("Kurs", 12500.0, 3), ("Utstyr", 2490.0, 3),
    ("Bok", 349.0, 33), ("Servering", 185.0, 31), ("Reise", 1.0, 6), ("Eksporttjeneste", 5000.0, 5),
]  # fmt: skip
# Of every 20 companies: one without an organisation number, one with a mistyped one.
_NO_ORG_NUMBER, _MISTYPED = 18, 19
_STAGES_BY_SHARE = ["open"] * 8 + ["won"] * 7 + ["lost"] * 5  # of every 20 deals


def generate(
    seed: int,
    companies: int,
    contacts: int = 0,
    products: int = 0,
    deals: int = 0,
    lines_per_deal: int = 3,
) -> dict:
    """A world of the given size, the same for the same seed and sizes.

    Contacts are spread over the companies in turn (one in twenty belongs to none); each deal
    belongs to a company in turn, with that company's first contact, and has one to
    `lines_per_deal` line items of distinct products (some discounted). Records refer to
    each other by index into the lists.
    """
    rng = random.Random(seed)
    made_companies = []
    for i in range(companies):
        stem, trade = rng.choice(_STEMS), rng.choice(_TRADES)
        slug = _slug(f"{stem}-{trade}")
        number = make_org_number(rng)
        if i % 20 == _NO_ORG_NUMBER:
            number = ""
        elif i % 20 == _MISTYPED:
            number = number[:8] + str((int(number[8]) + 1) % 10)
        made_companies.append(
            {
                "name": f"{stem} {trade} AS",
                "city": rng.choice(_CITIES),
                "org_number": number,
                "domain": f"{slug}-{i + 1}.no",
                "phone": f"+47 {rng.randint(20_000_000, 99_999_999)}",
            }
        )
    made_contacts = []
    for i in range(contacts):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        company = None if not companies or i % 20 == 19 else i % companies
        domain = made_companies[company]["domain"] if company is not None else "example.no"
        made_contacts.append(
            {
                "company": company,
                "firstname": first,
                "lastname": last,
                "email": f"{_slug(first)}.{_slug(last)}.{i + 1}@{domain}",
                "phone": f"+47 9{rng.randint(1_000_000, 9_999_999)}",
            }
        )
    made_products = []
    for i in range(products):
        name, price, vat = _GOODS[i % len(_GOODS)]
        made_products.append(
            {
                "sku": f"GEN-{i + 1:05d}",
                "name": f"{name} {i // len(_GOODS) + 1}",
                "price": round(price * rng.choice((0.5, 0.8, 1, 1, 1.25, 2)), 2),
                "vat_type": vat,
            }
        )
    first_contact: dict[int, int] = {}
    for i, contact in enumerate(made_contacts):
        if contact["company"] is not None:
            first_contact.setdefault(contact["company"], i)
    made_deals = []
    for i in range(deals if companies else 0):
        company = i % companies
        lines = []
        if made_products:
            count = rng.randint(1, min(lines_per_deal, len(made_products)))
            for product in rng.sample(range(len(made_products)), count):
                discount = {}
                if rng.random() < 0.2:
                    discount = {"percentage": rng.choice((5, 10, 15))}
                lines.append({"product": product, "quantity": rng.randint(1, 10), **discount})
        made_deals.append(
            {
                "name": f"{made_companies[company]['name']} – avtale {i + 1}",
                "company": company,
                "contact": first_contact.get(company),
                "stage": _STAGES_BY_SHARE[i % len(_STAGES_BY_SHARE)],
                "close_in_days": rng.randint(-180, 180),
                "lines": lines,
            }
        )
    return {
        "companies": made_companies,
        "contacts": made_contacts,
        "products": made_products,
        "deals": made_deals,
    }


def _slug(text: str) -> str:
    """Lower-case ASCII for e-mail addresses and domains."""
    for letter, plain in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        text = text.lower().replace(letter, plain)
    return text
