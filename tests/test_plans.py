"""Plans: limits count the invoices the app made in the current Oslo calendar month."""
from datetime import datetime, timezone

from tests.conftest import FakeClock
from webapp.collaborators import Collaborators
from webapp.portal.plans import find_plan, invoices_this_month, month_start_utc, within_limit
from webapp.config import DEFAULT_PLANS


def log_invoice(db, at: str, portal_id=1, status="ok", action="invoice_created"):
    db["sync_log"].insert({"portal_id": portal_id, "at": at, "direction": "to_tripletex",
                           "object_type": "deal", "action": action, "status": status})


def test_the_month_starts_at_midnight_in_oslo_not_utc():
    # 1 March 00:30 in Oslo is still February in UTC.
    now = datetime(2026, 3, 1, 0, 30, tzinfo=timezone.utc)
    assert month_start_utc(now) == datetime(2026, 2, 28, 23, 0, tzinfo=timezone.utc)


def test_only_this_months_successful_invoices_count(fresh_db, box):
    fresh_db["installations"].insert({"portal_id": 1, "status": "active", "installed_at": "x",
                                      "updated_at": "x"})
    log_invoice(fresh_db, "2026-02-28T22:59:59+00:00")        # February in Oslo
    log_invoice(fresh_db, "2026-02-28T23:00:00+00:00")        # 1 March 00:00 in Oslo
    log_invoice(fresh_db, "2026-03-10T12:00:00+00:00")
    log_invoice(fresh_db, "2026-03-10T12:00:00+00:00", status="failed")
    log_invoice(fresh_db, "2026-03-10T12:00:00+00:00", action="customer_created")
    clock = FakeClock(epoch=datetime(2026, 3, 15, tzinfo=timezone.utc).timestamp())
    assert invoices_this_month(Collaborators({}, fresh_db, box, clock), 1) == 2


def test_limits_and_unlimited_plans():
    free, standard, pro = (find_plan(DEFAULT_PLANS, p) for p in ("free", "standard", "pro"))
    assert within_limit(free, 9) and not within_limit(free, 10)
    assert within_limit(pro, 10**6)
    assert find_plan(DEFAULT_PLANS, "gold") is None and standard["invoice_limit"] == 200
