"""HubSpot companies into Tripletex customers, over real HTTP against both sandboxes.

The demo world (webapp/sandbox/demo_data.py) has 25 HubSpot companies; six already exist in
Tripletex (five by organisation number, one with no number but an e-mail at the company's
domain, one of the six inactive), four carry malformed organisation numbers, and Tripletex
holds customers HubSpot does not know.
"""

from __future__ import annotations

from collections import Counter

from webapp.collaborators import Collaborators
from webapp.db import connect
from webapp.sandbox import demo_data
from webapp.storage.installations import Installations
from webapp.storage.mappings import Mappings
from webapp.sync.settings import KEY

WORLD = demo_data.build()
NAMES = [c["name"] for c in WORLD["companies"]]


def by_name(customers) -> Counter:
    return Counter(c["name"] for c in customers)


def test_a_backfill_links_the_existing_customers_and_creates_the_others_once(synced):
    before = {c["name"]: c for c in synced.customers()}

    synced.backfill()

    after = synced.customers()
    counts = by_name(after)
    assert {name: counts[name] for name in NAMES} == {name: 1 for name in NAMES}
    # Existing customers are linked, not duplicated, the inactive one too (and left inactive).
    existing = [c for c in WORLD["companies"] if c["in_tripletex"]]
    now = {c["name"]: c for c in after}
    for company in existing:
        assert now[company["name"]]["id"] == before[company["name"]]["id"]
    inactive = next(c for c in existing if c["tripletex_inactive"])
    assert now[inactive["name"]]["isInactive"] is True
    # Tripletex's own customers are untouched, and nothing else appeared.
    assert len(after) == len(before) + len(NAMES) - len(existing)
    # Every company carries its customer's id and number, and says it is synced.
    companies = synced.companies()
    for properties in companies.values():
        customer = now[properties["name"]]
        assert properties["tripletex_customer_id"] == str(customer["id"])
        assert properties["tripletex_customer_number"] == str(customer["customerNumber"])
        assert properties["tripletex_sync_status"] == "synced"


def test_organisation_numbers_are_sent_as_nine_digits_and_malformed_ones_left_out(synced):
    synced.backfill()

    now = {c["name"]: c for c in synced.customers()}
    companies = {p["name"]: p for p in synced.companies().values()}
    for company in WORLD["companies"]:
        customer = now[company["name"]]
        if company["org_number_malformed"]:
            # Created without it, and the company says what to fix, in words.
            assert customer["organizationNumber"] == ""
            error = companies[company["name"]]["tripletex_sync_error"]
            why = (
                "Tripletex needs 9 digits"
                if len(company["org_number"].replace(" ", "")) != 9
                else "its last digit does not add up, so it is probably mistyped"
            )
            assert error.startswith(
                f"Company {company['name']} has organisation number {company['org_number']}; "
                f"{why}. Fix it in HubSpot's Organisasjonsnummer property."
            )
            assert "the customer is created and kept without it" in error
        elif company["tripletex_match_by"] != "email" or not company["in_tripletex"]:
            assert customer["organizationNumber"] == company["org_number"]
    logged = synced.rows(
        "select hubspot_id, message from sync_log where problem like '%org_number_invalid%'"
    )
    assert len(logged) == sum(c["org_number_malformed"] for c in WORLD["companies"])


def test_held_invalid_numbers_keep_the_company_out_of_tripletex(synced):
    with_settings(synced, {"invalid_org_number": "hold"})

    synced.backfill()

    names = set(by_name(synced.customers()))
    malformed = [c["name"] for c in WORLD["companies"] if c["org_number_malformed"]]
    assert not names & set(malformed)
    companies = {p["name"]: p for p in synced.companies().values()}
    for name in malformed:
        assert companies[name]["tripletex_sync_status"] == "failed"
        assert "the company is not sent to Tripletex" in companies[name]["tripletex_sync_error"]
        assert not companies[name].get("tripletex_customer_id")
    states = Counter(
        r["state"]
        for r in synced.rows("select state from mappings where hubspot_type = 'companies'")
    )
    assert states == {"linked": len(NAMES) - len(malformed), "failed": len(malformed)}


def test_running_the_backfill_again_writes_nothing(synced):
    synced.backfill()
    customers = synced.customers()
    logged = synced.rows("select count(*) as n from sync_log")[0]["n"]

    again = synced.backfill("--restart")

    assert synced.customers() == customers  # same ids, same versions: nothing was written
    assert "unchanged 25" in again.output
    writes = synced.rows("select action from sync_log where id > ?", [logged])
    assert writes == []


def test_an_edit_in_hubspot_updates_the_customer_with_its_version(synced):
    synced.backfill()
    company_id, company = next(
        (i, p) for i, p in synced.companies().items() if p["name"] == NAMES[0]
    )
    synced.hubspot_control(
        "PATCH", f"objects/companies/{company_id}", {"properties": {"phone": "+47 22 33 44 55"}}
    )
    before = {c["name"]: c for c in synced.customers()}[NAMES[0]]

    synced.backfill("--restart")

    after = {c["name"]: c for c in synced.customers()}[NAMES[0]]
    assert after["id"] == before["id"]
    assert after["phoneNumber"] == "+47 22 33 44 55"
    assert after["version"] == before["version"] + 1


def test_a_version_conflict_is_read_again_and_the_update_retried(synced):
    synced.backfill()
    company_id = next(i for i, p in synced.companies().items() if p["name"] == NAMES[1])
    synced.hubspot_control(
        "PATCH", f"objects/companies/{company_id}", {"properties": {"phone": "+47 99 88 77 66"}}
    )
    # Someone else saves the customer first: our PUT carries a stale version and gets a 409.
    synced.tripletex_control(
        "POST", "faults", {"write_conflicts": 1, "path_prefix": "/v2/customer/list"}
    )

    synced.backfill("--restart")

    after = {c["name"]: c for c in synced.customers()}
    assert after[NAMES[1]]["phoneNumber"] == "+47 99 88 77 66"
    assert by_name(after.values())[NAMES[1]] == 1


NEW = ["Nyvik Bakeri AS", "Fjellro Hytter AS", "Sjøbris Kafé AS"]


def add_companies(synced, names=NEW) -> None:
    """Companies a user creates in HubSpot after the first sync."""
    for number, name in enumerate(names):
        synced.hubspot_control(
            "POST",
            "objects/companies",
            {"properties": {"name": name, "domain": f"ny{number}.example.no", "city": "Oslo"}},
        )


def test_a_lost_answer_to_a_create_ends_with_exactly_one_customer_each(synced):
    synced.backfill()
    add_companies(synced)
    # Tripletex stores the page of new customers, and the answer never arrives.
    synced.tripletex_control(
        "POST", "faults", {"lost_responses": 1, "path_prefix": "/v2/customer/list"}
    )

    synced.backfill("--restart")

    counts = by_name(synced.customers())
    assert {name: counts[name] for name in NAMES + NEW} == {name: 1 for name in NAMES + NEW}
    found = synced.rows(
        "select hubspot_id from sync_log where action = ?", ["found_after_lost_answer"]
    )
    assert len(found) == len(NEW)  # every new customer was found again, none made twice
    assert (
        synced.rows(
            "select state from mappings where state != 'linked' and hubspot_type != 'deals'"
        )
        == []
    )


def test_a_worker_killed_between_the_create_and_the_link_resumes_without_duplicates(
    synced, monkeypatch
):
    synced.backfill()
    add_companies(synced)
    real_link = Mappings.link

    def killed(*args, **kwargs):
        raise SystemExit("killed")  # the process dies with the customers created

    monkeypatch.setattr(Mappings, "link", killed)
    synced.backfill("--restart", ok=False)
    monkeypatch.setattr(Mappings, "link", real_link)
    reserved = synced.rows("select count(*) as n from mappings where state = 'reserved'")
    assert reserved[0]["n"] == len(NEW)  # creates whose outcome the dead worker never learnt
    assert by_name(synced.customers())[NEW[0]] == 1  # Tripletex has them already

    synced.backfill("--restart")

    counts = by_name(synced.customers())
    assert {name: counts[name] for name in NAMES + NEW} == {name: 1 for name in NAMES + NEW}
    assert (
        synced.rows(
            "select state from mappings where state != 'linked' and hubspot_type != 'deals'"
        )
        == []
    )
    found = synced.rows(
        "select count(*) as n from sync_log where action = ?", ["found_after_interruption"]
    )
    assert found[0]["n"] == len(NEW)


def with_settings(synced, values: dict) -> None:
    db = connect(synced.stack.app.config["DATABASE"])
    try:
        Installations(db).set_setting(synced.portal_id, KEY, values)
    finally:
        db.close()


def test_two_new_companies_with_one_organisation_number_make_one_customer(synced):
    number = demo_data.make_org_number(__import__("random").Random(99))
    for name in ("Dobbel AS", "Dobbel Holding AS"):
        synced.hubspot_control(
            "POST", "objects/companies", {"properties": {"name": name, "orgnr": number}}
        )

    synced.backfill()

    same = [c for c in synced.customers() if c["organizationNumber"] == number]
    assert [c["name"] for c in same] == ["Dobbel AS"]
    second = next(p for p in synced.companies().values() if p["name"] == "Dobbel Holding AS")
    assert second["tripletex_sync_status"] == "failed"
    assert second["tripletex_sync_error"].startswith(
        "Company Dobbel Holding AS could be more than one Tripletex customer. Customers with "
        "the same organisation number: Dobbel AS."
    )


def test_a_restarted_backfill_stopped_before_its_first_page_starts_over_when_run_again(
    synced, monkeypatch
):
    from webapp.clients.hubspot import HubSpotClient

    synced.backfill()
    add_companies(synced)
    real = HubSpotClient.list_page
    calls = []

    def stopped(*args, **kwargs):
        calls.append(args[1])
        if len(calls) > 3:  # the preview read its page of companies, products and deals
            raise SystemExit("stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(HubSpotClient, "list_page", stopped)
    synced.backfill("--restart", ok=False)
    monkeypatch.setattr(HubSpotClient, "list_page", real)
    assert calls == ["companies", "products", "deals", "companies"]  # stopped at the first page

    synced.backfill()  # no --restart: it resumes the fresh start, not the finished run

    counts = by_name(synced.customers())
    assert {name: counts[name] for name in NEW} == {name: 1 for name in NEW}
    assert all(synced.companies()[i].get("tripletex_customer_number") for i in synced.companies())


def test_the_country_a_person_typed_becomes_tripletex_s_own_country_on_the_address(synced):
    """HubSpot's `country` is free text; Tripletex wants its own country id (`/country`, by
    ISO code), and its ids are not the ISO numbers."""
    for name, typed in (("Svensk Handel AB", "Sverige"), ("Ukjent Land AS", "Atlantis")):
        synced.hubspot_control(
            "POST", "objects/companies", {"properties": {"name": name, "country": typed}}
        )

    synced.backfill()

    with Collaborators.opened(synced.stack.app.config) as c:
        client = c.tripletex(synced.portal_id)
        ids = {
            row["isoAlpha2Code"]: row["id"]
            for row in client.list("/country", fields="id,isoAlpha2Code")
        }
        addresses = {
            row["name"]: (row.get("postalAddress") or {}).get("country")
            for row in client.list(
                "/customer",
                fields="name,postalAddress(country(id))",
                params={"isInactive": "false"},
            )
        }
    assert addresses["Svensk Handel AB"] == {"id": ids["SE"]}
    assert addresses["Bølgen Design AS"] == {"id": ids["NO"]}  # the demo's "Norway"
    assert addresses["Ukjent Land AS"] is None  # sent without it, and said why
    unknown = next(p for p in synced.companies().values() if p["name"] == "Ukjent Land AS")
    assert unknown["tripletex_sync_status"] == "synced"
    assert unknown["tripletex_sync_error"].startswith(
        "Company Ukjent Land AS has the country “Atlantis”, which the sync does not recognise."
    )
