"""The manual product mapping, and products matched by a property other than the SKU, over
real HTTP against both sandboxes.

The demo has ten HubSpot products; the first five already exist in Tripletex with the same
SKU as product number.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.sync.test_customers import with_settings
from tests.sync.test_live import delivered
from tests.sync.test_products import WORLD, hubspot_products, tripletex_products
from webapp.collaborators import Collaborators
from webapp.sync import product_choices
from webapp.sync.context import SyncContext

IN_TRIPLETEX = [p for p in WORLD["products"] if p["in_tripletex"]]
NEW = [p for p in WORLD["products"] if not p["in_tripletex"]]


@contextmanager
def context(synced):
    with Collaborators.opened(synced.stack.app.config) as c:
        yield SyncContext.for_portal(c, synced.portal_id)


def accountants_product(synced, name: str, number: str, price: float = 999.0) -> int:
    """A product the accountant made in Tripletex, with a number HubSpot does not use."""
    with Collaborators.opened(synced.stack.app.config) as c:
        made = c.tripletex(synced.portal_id).create(
            "/product", {"name": name, "number": number, "priceExcludingVatCurrency": price}
        )
    return made["id"]


def by_sku(synced, sku: str) -> tuple[str, dict]:
    return next((i, p) for i, p in hubspot_products(synced).items() if p.get("hs_sku") == sku)


def links(synced, hubspot_id: str) -> list[dict]:
    return synced.rows(
        "select tripletex_id, state from mappings where portal_id = ? and hubspot_type = "
        "'products' and hubspot_id = ?",
        [synced.portal_id, hubspot_id],
    )


def run_pending(synced) -> None:
    result = synced.runner.invoke(args=["sync", "run", str(synced.portal_id)])
    assert result.exit_code == 0, result.output


def test_a_product_mapped_by_hand_links_to_the_chosen_product_which_keeps_its_number(synced):
    product = NEW[0]
    chosen_id = accountants_product(synced, "Rådgivning senior", "RS-900")
    hubspot_id, _ = by_sku(synced, product["sku"])
    with context(synced) as ctx:
        choice = product_choices.choose(ctx, product["sku"], "RS-900")
    assert (choice.hubspot_id, choice.tripletex_id, choice.tripletex_number) == (
        hubspot_id,
        chosen_id,
        "RS-900",
    )

    synced.backfill()

    numbers = [p["number"] for p in tripletex_products(synced)]
    assert product["sku"] not in numbers  # not created: it is the chosen one
    chosen = next(p for p in tripletex_products(synced) if p["id"] == chosen_id)
    # HubSpot's fields reach it; the accountant's number stays.
    assert (chosen["number"], chosen["name"], chosen["priceExcludingVatCurrency"]) == (
        "RS-900",
        product["name"],
        product["price"],
    )
    assert hubspot_products(synced)[hubspot_id]["tripletex_product_id"] == str(chosen_id)
    assert links(synced, hubspot_id) == [{"tripletex_id": chosen_id, "state": "linked"}]
    logged = synced.rows(
        "select action from sync_log where hubspot_type = 'products' and hubspot_id = ?",
        [hubspot_id],
    )
    assert "linked_as_chosen_product" in [r["action"] for r in logged]

    # Running again changes nothing.
    before = tripletex_products(synced)
    synced.backfill("--restart")
    assert tripletex_products(synced) == before


def test_a_product_chosen_for_one_hubspot_product_is_no_others_by_its_number(synced):
    taken = IN_TRIPLETEX[0]  # Tripletex has it under the SKU of HubSpot product `taken`
    other = NEW[0]
    target = next(p for p in tripletex_products(synced) if p["number"] == taken["sku"])
    with context(synced) as ctx:
        product_choices.choose(ctx, other["sku"], taken["sku"])

    synced.backfill()

    taken_id, _ = by_sku(synced, taken["sku"])
    other_id, _ = by_sku(synced, other["sku"])
    shown = hubspot_products(synced)
    assert shown[other_id]["tripletex_product_id"] == str(target["id"])
    # The HubSpot product with the matching SKU is not linked to it: a second product with
    # that number cannot be made either (Tripletex's numbers are unique), so it says why.
    assert shown[taken_id].get("tripletex_product_id") in (None, "")
    assert shown[taken_id]["tripletex_sync_status"] == "failed"
    assert [p["number"] for p in tripletex_products(synced)].count(taken["sku"]) == 1


def test_remapping_a_linked_product_moves_its_link_at_once_and_frees_the_old_product(synced):
    synced.backfill()
    first, second = IN_TRIPLETEX[0], IN_TRIPLETEX[1]
    first_id, _ = by_sku(synced, first["sku"])
    second_id, _ = by_sku(synced, second["sku"])
    old = {p["number"]: p["id"] for p in tripletex_products(synced)}
    new_id = accountants_product(synced, "Rådgivning senior", "RS-900")
    count = len(tripletex_products(synced))

    with context(synced) as ctx:
        product_choices.choose(ctx, first_id, "RS-900")
        # The product `first` left is free at once: `second` can be mapped to it.
        product_choices.choose(ctx, second_id, first["sku"])
    assert links(synced, first_id) == [{"tripletex_id": new_id, "state": "linked"}]
    assert links(synced, second_id) == [{"tripletex_id": old[first["sku"]], "state": "linked"}]

    run_pending(synced)

    shown = hubspot_products(synced)
    assert shown[first_id]["tripletex_product_id"] == str(new_id)
    assert shown[second_id]["tripletex_product_id"] == str(old[first["sku"]])
    now = {p["id"]: p for p in tripletex_products(synced)}
    assert len(now) == count  # nothing created
    assert now[old[first["sku"]]]["number"] == first["sku"]  # numbers stay as they were
    assert now[old[first["sku"]]]["name"] == second["name"]
    assert now[new_id]["name"] == first["name"]


def test_removing_a_mapping_unlinks_the_product_and_the_rules_match_it_again(synced):
    product = IN_TRIPLETEX[0]
    chosen_id = accountants_product(synced, "Rådgivning senior", "RS-900")
    hubspot_id, _ = by_sku(synced, product["sku"])
    with context(synced) as ctx:
        product_choices.choose(ctx, hubspot_id, "RS-900")
    synced.backfill()
    assert hubspot_products(synced)[hubspot_id]["tripletex_product_id"] == str(chosen_id)

    with context(synced) as ctx:
        assert product_choices.unchoose(ctx, hubspot_id) is True
        assert product_choices.unchoose(ctx, hubspot_id) is False  # gone already
    run_pending(synced)

    by_number = {p["number"]: p["id"] for p in tripletex_products(synced)}
    assert hubspot_products(synced)[hubspot_id]["tripletex_product_id"] == str(
        by_number[product["sku"]]
    )
    assert links(synced, hubspot_id) == [
        {"tripletex_id": by_number[product["sku"]], "state": "linked"}
    ]
    assert synced.rows("select * from product_choices") == []


@pytest.mark.parametrize(
    ("hubspot", "tripletex", "field", "says"),
    [
        ("NO-SUCH-SKU", "RS-900", "hubspot_product", "No HubSpot product has the ID, SKU or"),
        (NEW[0]["sku"], "NO-SUCH-NUMBER", "tripletex_product", "Tripletex has no product with"),
        ("987654321", "RS-900", "hubspot_product", "No HubSpot product has the ID, SKU or"),
    ],
)
def test_a_mapping_naming_a_product_that_does_not_exist_is_refused_and_nothing_kept(
    synced, hubspot, tripletex, field, says
):
    accountants_product(synced, "Rådgivning senior", "RS-900")
    with context(synced) as ctx, pytest.raises(product_choices.NotChosen) as refused:
        product_choices.choose(ctx, hubspot, tripletex)
    assert refused.value.field == field
    from webapp.portal.problems import as_text

    assert as_text(refused.value.problem).startswith(says)
    assert synced.rows("select * from product_choices") == []
    assert synced.rows("select * from sync_inbox") == []


def test_one_tripletex_product_is_mapped_to_one_hubspot_product(synced):
    accountants_product(synced, "Rådgivning senior", "RS-900")
    with context(synced) as ctx:
        product_choices.choose(ctx, NEW[0]["sku"], "RS-900")
        with pytest.raises(product_choices.NotChosen) as refused:
            product_choices.choose(ctx, NEW[1]["sku"], "RS-900")
    assert refused.value.problem.kind == "tripletex_product_chosen"
    kept = synced.rows("select hubspot_id from product_choices")
    assert kept == [{"hubspot_id": by_sku(synced, NEW[0]["sku"])[0]}]


def test_products_are_matched_by_the_product_property_the_settings_name(synced):
    synced.create_property("products", "varenummer", "Varenummer", "productinformation")
    existing = IN_TRIPLETEX[0]
    made = synced.hubspot_control(
        "POST",
        "objects/products",
        {
            "properties": {
                "name": "Konsulenttime (ny SKU)",
                "hs_sku": "HS-ONLY-1",
                "varenummer": existing["sku"],
                "price": "1500",
            }
        },
    )
    with_settings(synced, {"product_number_property": "varenummer"})
    before = {p["number"]: p["id"] for p in tripletex_products(synced)}

    synced.backfill()

    after = tripletex_products(synced)
    assert "HS-ONLY-1" not in [p["number"] for p in after]
    assert hubspot_products(synced)[made["id"]]["tripletex_product_id"] == str(
        before[existing["sku"]]
    )


def test_an_id_too_long_for_hubspot_is_an_unknown_product_not_a_service_failure(synced):
    accountants_product(synced, "Rådgivning senior", "RS-900")
    with context(synced) as ctx, pytest.raises(product_choices.NotChosen) as refused:
        product_choices.choose(ctx, "9" * 40, "RS-900")
    assert refused.value.problem.kind == "hubspot_product_unknown"


def test_two_people_choosing_one_product_at_once_leave_one_choice_and_a_reason(synced, monkeypatch):
    """The check and the write are one transaction; should another request's choice land
    first all the same, the unique index refuses the second, said in words, not a 500."""
    accountants_product(synced, "Rådgivning senior", "RS-900")
    with context(synced) as ctx:
        product_choices.choose(ctx, NEW[0]["sku"], "RS-900")
        monkeypatch.setattr(product_choices, "_check_free", lambda *args: None)
        with pytest.raises(product_choices.NotChosen) as refused:
            product_choices.choose(ctx, NEW[1]["sku"], "RS-900")
    assert refused.value.problem.kind == "tripletex_product_chosen"
    assert [r["hubspot_id"] for r in synced.rows("select hubspot_id from product_choices")] == [
        by_sku(synced, NEW[0]["sku"])[0]
    ]
    assert len(synced.rows("select * from sync_inbox")) == 1  # only the first asked for a sync


def test_a_product_deleted_in_hubspot_takes_its_mapping_with_it(synced):
    product = NEW[0]
    accountants_product(synced, "Rådgivning senior", "RS-900")
    hubspot_id, _ = by_sku(synced, product["sku"])
    with context(synced) as ctx:
        product_choices.choose(ctx, hubspot_id, "RS-900")
    synced.backfill()

    synced.hubspot_control("DELETE", f"objects/products/{hubspot_id}")
    delivered(synced)
    run_pending(synced)

    assert synced.rows("select * from product_choices") == []
    assert links(synced, hubspot_id)[0]["state"] == "unlinked"
