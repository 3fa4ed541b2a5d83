"""The first sync's preview: what will pair with what, before anything is written."""

from __future__ import annotations

from collections import Counter

from webapp.collaborators import Collaborators
from webapp.sandbox import demo_data
from webapp.storage.previews import Previews
from webapp.sync.runner import run_preview

WORLD = demo_data.build()


def preview(synced) -> dict:
    with Collaborators.opened(synced.stack.app.config) as c:
        return run_preview(c, synced.portal_id)


def rows(synced, hubspot_type="companies") -> dict[str, dict]:
    with Collaborators.opened(synced.stack.app.config) as c:
        found = Previews(c.db).rows(synced.portal_id, hubspot_type, limit=1000)
    return {r["name"]: r for r in found}


def twin_customers(synced, name: str) -> list[int]:
    """Two Tripletex customers with one name and no organisation number."""
    with Collaborators.opened(synced.stack.app.config) as c:
        client = c.tripletex(synced.portal_id)
        return [client.create("/customer", {"name": name})["id"] for _ in range(2)]


def test_the_preview_pairs_every_company_and_product_and_writes_nothing(synced):
    customers = synced.customers()

    result = preview(synced)

    assert synced.customers() == customers  # nothing written
    existing = [c for c in WORLD["companies"] if c["in_tripletex"]]
    malformed = [c for c in WORLD["companies"] if c["org_number_malformed"]]
    counts = result["counts"]["companies"]
    assert counts == {
        "will_link": len(existing),
        "invalid": len(malformed),
        "will_create": len(WORLD["companies"]) - len(existing) - len(malformed),
    }
    shown = rows(synced)
    by_email = next(c for c in existing if c["tripletex_match_by"] == "email")
    assert shown[by_email["name"]]["rule"] == "email"
    inactive = next(c for c in existing if c["tripletex_inactive"])
    assert shown[inactive["name"]]["detail"]["customer"]["inactive"] is True
    assert shown[malformed[0]["name"]]["detail"]["problem"].startswith(
        f"Company {malformed[0]['name']} has organisation number"
    )
    assert result["counts"]["products"] == {
        "will_link": sum(p["in_tripletex"] for p in WORLD["products"]),
        "will_create": sum(not p["in_tripletex"] for p in WORLD["products"]),
    }


def test_an_ambiguous_company_waits_for_the_persons_choice_and_the_backfill_follows_it(synced):
    first, second = twin_customers(synced, "Tvilling Handel AS")
    made = synced.hubspot_control(
        "POST", "objects/companies", {"properties": {"name": "Tvilling Handel AS"}}
    )
    preview(synced)
    row = rows(synced)["Tvilling Handel AS"]
    assert row["outcome"] == "ambiguous"
    assert [c["id"] for c in row["detail"]["candidates"]] == [first, second]
    with Collaborators.opened(synced.stack.app.config) as c:
        Previews(c.db).decide(synced.portal_id, "companies", made["id"], {"link": second})

    synced.backfill()

    company = synced.companies()[made["id"]]
    assert company["tripletex_customer_id"] == str(second)
    assert Counter(c["name"] for c in synced.customers())["Tvilling Handel AS"] == 2


def test_an_ambiguous_company_left_undecided_is_not_created_and_says_why(synced):
    twin_customers(synced, "Tvilling Handel AS")
    made = synced.hubspot_control(
        "POST", "objects/companies", {"properties": {"name": "Tvilling Handel AS"}}
    )

    synced.backfill()

    assert Counter(c["name"] for c in synced.customers())["Tvilling Handel AS"] == 2
    company = synced.companies()[made["id"]]
    assert company["tripletex_sync_status"] == "failed"
    assert company["tripletex_sync_error"].startswith(
        "Company Tvilling Handel AS could be more than one Tripletex customer. "
        "Customers with the same name: "
    )


def test_a_skipped_company_stays_out_of_tripletex(synced):
    twin_customers(synced, "Tvilling Handel AS")
    made = synced.hubspot_control(
        "POST", "objects/companies", {"properties": {"name": "Tvilling Handel AS"}}
    )
    preview(synced)
    with Collaborators.opened(synced.stack.app.config) as c:
        Previews(c.db).decide(synced.portal_id, "companies", made["id"], {"skip": True})

    result = synced.backfill()

    assert "skipped 1" in result.output
    assert not synced.companies()[made["id"]].get("tripletex_customer_id")


def test_the_command_line_backfill_shows_the_preview_first(synced):
    result = synced.backfill()

    assert (
        result.output.splitlines()[0]
        == "Preview, companies: invalid 4, will_create 15, will_link 6"
    )
