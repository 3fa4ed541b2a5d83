"""The plan step in process: the operator's plans, the choice stored, this month's invoices."""

import re
from datetime import timedelta

import pytest

from tests.auth import shown
from tests.journey import DEMO_PORTAL
from tests.rows import split
from webapp.config import check_plans
from webapp.portal.plans import month_start_utc
from webapp.timeutil import isoformat, utcnow

# As TXSYNC_PLANS would set them, and checked the same way.
PLANS = check_plans(
    [
        {
            "id": "one",
            "name": {"en": "Single", "nb": "Enkel"},
            "price_nok": 5,
            "invoice_limit": 1,
            "features": ["invoices"],
        },
        {"id": "small", "name": "Small", "price_nok": 10, "invoice_limit": 3, "features": []},
        {"id": "big", "name": "Big", "price_nok": 99, "invoice_limit": None, "features": []},
    ]
)


@pytest.fixture
def user(app, auth):
    """Signed in, Tripletex connected and checked: the plan step is open."""
    app.config["PLANS"] = PLANS  # read per request, like every setting the pages use
    auth.sign_in()
    auth.connect_tripletex()
    return auth


def plans_shown(page: str) -> list[dict]:
    """Each plan the page offers: its id, name and monthly limit as the user reads them."""
    cards = re.findall(r'<label class="plan[^"]*" data-plan="([^"]+)">(.*?)</label>', page, re.S)
    return [
        {
            "id": plan,
            **{
                part: re.sub(r"\s+", " ", text).strip()
                for part, text in re.findall(r'<span class="(plan-name|limit)">(.*?)</span>', card)
            },
        }
        for plan, card in cards
    ]


def test_the_plan_step_offers_the_operators_plans_with_their_monthly_limits(user, client):
    page = client.get("/setup/plan")
    assert page.status_code == 200
    assert plans_shown(page.text) == [
        {"id": "one", "plan-name": "Single", "limit": "1 invoice a month"},
        {"id": "small", "plan-name": "Small", "limit": "3 invoices a month"},
        {"id": "big", "plan-name": "Big", "limit": "Unlimited invoices"},
    ]


def test_choosing_a_plan_stores_it_and_leads_to_the_first_sync(user, client):
    with user.collaborators() as c:
        before, _ = split(c.installations.get(DEMO_PORTAL), "updated_at")

    sent = user.post("/setup/plan", {"plan": "big"})

    assert (sent.status_code, sent.location) == (303, "/setup/first_sync")
    with user.collaborators() as c:
        after, _ = split(c.installations.get(DEMO_PORTAL), "updated_at")
    assert after == dict(before, plan="big")
    assert "You are set up." in shown(client.get("/setup/done"))


def test_the_plan_step_counts_only_this_months_invoices_made_by_the_app(user, client):
    user.post("/setup/plan", {"plan": "small"})
    now = utcnow()
    last_month = month_start_utc(now) - timedelta(seconds=1)
    with user.collaborators() as c:
        for deal, at, kind, state, made in [
            ("1", now, "invoice", "linked", 1),
            ("2", now, "invoice", "linked", 1),
            ("3", None, "invoice", "failed", 0),  # never created
            ("4", now, "order", "linked", 1),
            ("5", last_month, "invoice", "linked", 1),
            ("6", now, "invoice", "linked", 0),  # an earlier install's, found at the first sync
        ]:
            c.db["mappings"].insert(
                {
                    "portal_id": DEMO_PORTAL,
                    "hubspot_type": "deals",
                    "hubspot_id": deal,
                    "tripletex_kind": kind,
                    "tripletex_id": 500 + int(deal),
                    "state": state,
                    "created_at": isoformat(now),
                    "updated_at": isoformat(now),
                    "linked_at": isoformat(at) if at else None,
                    "created": made,
                }
            )
        c.db.conn.commit()

    assert "Invoices created this month: 2" in shown(client.get("/setup/plan"))
