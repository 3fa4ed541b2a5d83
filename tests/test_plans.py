"""Plans: limits count the invoices the app made in the current Oslo calendar month."""

from datetime import datetime, timezone

from tests.conftest import FakeClock
from webapp.collaborators import Collaborators
from webapp.portal.plans import find_plan, invoices_this_month, month_start_utc, within_limit


def link_invoice(
    db, at: str | None, deal: str, portal_id=1, state="linked", kind="invoice", made=True
):
    db["mappings"].insert(
        {
            "portal_id": portal_id,
            "hubspot_type": "deals",
            "hubspot_id": deal,
            "tripletex_kind": kind,
            "tripletex_id": 1000 + int(deal),
            "state": state,
            "created_at": at or "2026-03-10T12:00:00+00:00",
            "updated_at": at or "2026-03-10T12:00:00+00:00",
            "linked_at": at,
            "created": int(made),
        }
    )


def test_the_month_starts_at_midnight_in_oslo_not_utc():
    # 1 March 00:30 in Oslo is still February in UTC.
    now = datetime(2026, 3, 1, 0, 30, tzinfo=timezone.utc)
    assert month_start_utc(now) == datetime(2026, 2, 28, 23, 0, tzinfo=timezone.utc)


def test_only_invoices_created_this_month_count(fresh_db, box):
    for portal in (1, 2):
        fresh_db["installations"].insert(
            {"portal_id": portal, "status": "active", "installed_at": "x", "updated_at": "x"}
        )
    link_invoice(fresh_db, "2026-02-28T22:59:59+00:00", "1")  # February in Oslo
    link_invoice(fresh_db, "2026-02-28T23:00:00+00:00", "2")  # 1 March 00:00 in Oslo
    link_invoice(fresh_db, "2026-03-10T12:00:00+00:00", "3")
    link_invoice(fresh_db, None, "4", state="reserved")  # a create still in flight
    link_invoice(fresh_db, None, "5", state="failed")
    link_invoice(fresh_db, "2026-03-10T12:00:00+00:00", "6", kind="order")
    link_invoice(fresh_db, "2026-03-10T12:00:00+00:00", "7", portal_id=2)
    # An earlier install's invoice the first sync found by its marker: not the app's to count.
    link_invoice(fresh_db, "2026-03-10T12:00:00+00:00", "8", made=False)
    clock = FakeClock(epoch=datetime(2026, 3, 15, tzinfo=timezone.utc).timestamp())
    assert invoices_this_month(Collaborators({}, fresh_db, box, clock), 1) == 2


# An operator's own plans (TXSYNC_PLANS), so no test leans on the defaults' numbers.
PLANS = [
    {"id": "small", "name": "Small", "price_nok": 10, "invoice_limit": 3, "features": []},
    {"id": "big", "name": "Big", "price_nok": 99, "invoice_limit": None, "features": []},
]


def test_a_plan_allows_invoices_below_its_limit_and_an_unlimited_plan_any_number():
    small, big = find_plan(PLANS, "small"), find_plan(PLANS, "big")
    assert [used for used in range(6) if within_limit(small, used)] == [0, 1, 2]
    assert within_limit(big, 10**6)


def test_only_a_configured_plan_is_found():
    assert find_plan(PLANS, "big") == PLANS[1]
    assert find_plan(PLANS, "gold") is None and find_plan(PLANS, None) is None


def test_a_merge_counts_each_invoice_the_app_made_once(fresh_db, box):
    from webapp.storage.mappings import Link, Mappings

    fresh_db["installations"].insert(
        {"portal_id": 1, "status": "active", "installed_at": "x", "updated_at": "x"}
    )
    clock = FakeClock(epoch=datetime(2026, 3, 15, tzinfo=timezone.utc).timestamp())
    mappings = Mappings(fresh_db, clock)
    mappings.link(1, "deals", "invoice", [Link("1", 501, created=True)])
    mappings.link(1, "deals", "invoice", [Link("2", 502, created=True)])
    mappings.link(1, "deals", "invoice", [Link("3", 503, created=True)])
    c = Collaborators({}, fresh_db, box, clock)
    assert invoices_this_month(c, 1) == 3

    mappings.merge(1, "deals", "invoice", "1", ["2"])  # both had invoices: both still count
    assert invoices_this_month(c, 1) == 3
    mappings.merge(1, "deals", "invoice", "9", ["3"])  # the survivor takes 3's invoice over
    assert invoices_this_month(c, 1) == 3
