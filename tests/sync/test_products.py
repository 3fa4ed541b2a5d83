"""HubSpot products into Tripletex products, over real HTTP against both sandboxes.

The demo has ten HubSpot products; the first five already exist in Tripletex with the same
SKU as product number, and Tripletex has one product HubSpot does not know.
"""

from __future__ import annotations

from collections import Counter

from tests.sync.test_customers import with_settings
from webapp.collaborators import Collaborators
from webapp.sandbox import demo_data

WORLD = demo_data.build()


def tripletex_products(synced) -> list[dict]:
    with Collaborators.opened(synced.stack.app.config) as c:
        client = c.tripletex(synced.portal_id)
        return list(
            client.list(
                "/product", fields="id,version,name,number,priceExcludingVatCurrency,vatType(id)"
            )
        )


def vat_ids(synced) -> dict[str, int]:
    with Collaborators.opened(synced.stack.app.config) as c:
        return {
            v["number"]: v["id"]
            for v in c.tripletex(synced.portal_id).list(
                "/ledger/vatType", fields="id,number", params={"typeOfVat": "OUTGOING"}
            )
        }


def hubspot_products(synced) -> dict[str, dict]:
    answer = synced.hubspot_control("GET", "objects/products")
    return {r["id"]: r["properties"] for r in answer["results"]}


def test_products_are_matched_by_sku_and_the_others_created_with_the_default_vat_code(synced):
    before = {p["number"]: p for p in tripletex_products(synced)}

    synced.backfill()

    after = tripletex_products(synced)
    numbers = Counter(p["number"] for p in after)
    assert {p["sku"]: numbers[p["sku"]] for p in WORLD["products"]} == {
        p["sku"]: 1 for p in WORLD["products"]
    }
    now = {p["number"]: p for p in after}
    for product in WORLD["products"]:
        made = now[product["sku"]]
        if product["in_tripletex"]:
            assert made["id"] == before[product["sku"]]["id"]  # linked, not duplicated
            assert made["vatType"] == before[product["sku"]]["vatType"]  # the accountant's
        else:
            assert made["priceExcludingVatCurrency"] == product["price"]
            # Code 3 resolved to this company's own id for it (the ids are not the codes).
            assert made["vatType"]["id"] == vat_ids(synced)["3"] != 3
    for properties in hubspot_products(synced).values():
        assert properties["tripletex_product_id"] == str(now[properties["hs_sku"]]["id"])


def test_left_unmatched_products_are_not_created_and_say_why(synced):
    with_settings(synced, {"unmatched_products": "leave"})
    before = len(tripletex_products(synced))

    synced.backfill()

    assert len(tripletex_products(synced)) == before
    logged = synced.rows(
        "select message from sync_log where hubspot_type = 'products' and status = 'skipped'"
    )
    missing = [p for p in WORLD["products"] if not p["in_tripletex"]]
    assert sorted(r["message"] for r in logged) == sorted(
        f"Product {p['name']} is not in Tripletex. No Tripletex product has the number "
        f"{p['sku']}, and new products are not created. Create it in Tripletex with that "
        "number, or let the sync create products."
        for p in missing
    )


def test_a_product_whose_name_tripletex_already_has_is_created_and_the_collision_logged(synced):
    taken = next(p for p in WORLD["products"] if p["in_tripletex"])
    synced.hubspot_control(
        "POST",
        "objects/products",
        {"properties": {"name": taken["name"], "hs_sku": "NEW-SKU-1", "price": "10"}},
    )

    synced.backfill()

    same_name = sorted(
        p["number"] for p in tripletex_products(synced) if p["name"] == taken["name"]
    )
    assert same_name == sorted([taken["sku"], "NEW-SKU-1"])
    logged = synced.rows("select message from sync_log where problem like '%product_name_taken%'")
    assert [r["message"] for r in logged] == [
        f"Tripletex already has a product named {taken['name']}, with another number "
        f"({taken['sku']}). A second product was created with number NEW-SKU-1. Merge them in "
        "Tripletex if they are the same."
    ]


def test_a_price_change_in_hubspot_reaches_the_tripletex_product(synced):
    synced.backfill()
    product_id, product = next(
        (i, p) for i, p in hubspot_products(synced).items() if p["hs_sku"] == "CONS-HOUR"
    )
    synced.hubspot_control(
        "PATCH", f"objects/products/{product_id}", {"properties": {"price": "1600"}}
    )

    synced.backfill("--restart")

    now = {p["number"]: p for p in tripletex_products(synced)}
    assert now["CONS-HOUR"]["priceExcludingVatCurrency"] == 1600.0


def test_a_default_vat_code_the_company_lacks_fails_the_new_products_with_the_codes_it_has(synced):
    with_settings(synced, {"vat_code": "99"})
    before = len(tripletex_products(synced))

    synced.backfill()

    assert len(tripletex_products(synced)) == before
    failing = [
        p for p in hubspot_products(synced).values() if p.get("tripletex_sync_status") == "failed"
    ]
    assert len(failing) == sum(not p["in_tripletex"] for p in WORLD["products"])
    assert failing[0]["tripletex_sync_error"].startswith(
        "VAT code 99 is not available in Tripletex. The company's outgoing VAT codes are: "
    )


def test_a_lost_answer_to_a_product_create_ends_with_exactly_one_product_each(synced):
    import requests

    synced.backfill()
    for sku in ("NEW-1", "NEW-2"):
        synced.hubspot_control(
            "POST", "objects/products", {"properties": {"name": f"Ny {sku}", "hs_sku": sku}}
        )
    # Tripletex stores the new products, and the answer never arrives.
    requests.post(
        f"{synced.stack.tripletex_url}/_sandbox/faults",
        json={"lost_responses": 1, "path_prefix": "/v2/product/list"},
        timeout=10,
    ).raise_for_status()

    synced.backfill("--restart")

    numbers = Counter(p["number"] for p in tripletex_products(synced))
    skus = [p["sku"] for p in WORLD["products"]] + ["NEW-1", "NEW-2"]
    assert {sku: numbers[sku] for sku in skus} == {sku: 1 for sku in skus}
    found = synced.rows(
        "select count(*) as n from sync_log where hubspot_type = 'products' and action = ?",
        ["found_after_lost_answer"],
    )
    assert found[0]["n"] == 2


def test_a_refused_product_in_a_page_does_not_sink_the_others(synced):
    """Tripletex's `/product/list` fails whole, naming the refused item by its index
    (`[1].number`, fidelity-findings A4): that one is set aside with its reason, the rest
    created."""
    for name in ("Dobbel vare A", "Dobbel vare B"):  # one new SKU twice: the second is refused
        synced.hubspot_control(
            "POST", "objects/products", {"properties": {"name": name, "hs_sku": "TWIN-SKU"}}
        )

    synced.backfill()

    numbers = Counter(p["number"] for p in tripletex_products(synced))
    assert numbers["TWIN-SKU"] == 1
    assert all(numbers[p["sku"]] == 1 for p in WORLD["products"])  # the rest of the page made
    refused = [
        p for p in hubspot_products(synced).values() if p.get("tripletex_sync_status") == "failed"
    ]
    assert [p["name"] for p in refused] == ["Dobbel vare B"]
    assert refused[0]["tripletex_sync_error"] == (
        "Tripletex refused Dobbel vare B. Tripletex says: Produktnummeret TWIN-SKU er i bruk. "
        "Fix it in HubSpot; the next sync tries again."
    )
