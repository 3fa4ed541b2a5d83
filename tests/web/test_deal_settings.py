"""The deal settings page refuses what it did not offer, keeps the stage rules when the
pipelines cannot be read, and retries only deals that are held."""

import pytest

from tests.auth import shown
from tests.journey import DEMO_PORTAL
from webapp.sync.settings import KEY


@pytest.fixture
def user(auth):
    """Signed in and connected; HubSpot and Tripletex do not answer (tests.auth)."""
    auth.sign_in()
    auth.connect_tripletex()
    return auth


def form(**overrides):
    values = {
        "send_type": "EMAIL",
        "invoice_date": "close_date",
        "due": "customer",
        "due_days": "14",
        "delivery_date_property": "closedate",
        "deal_without_company": "private_customer",
        "unmatched_line_products": "hold",
        "deal_without_lines": "hold",
        "default_product": "",
    }
    return {k: v for k, v in dict(values, **overrides).items() if v is not None}


STORED = {
    "confirmed": True,
    "stage_rules": {"default": {"stage": "contractsent", "action": "order"}},
}


def test_a_value_the_page_did_not_offer_is_refused_and_nothing_saved(user):
    with user.collaborators() as c:
        c.installations.set_setting(DEMO_PORTAL, KEY, STORED)

    for bad in (
        {"due_days": "400"},
        {"due_days": "fjorten"},
        {"due_days": None},
        {"send_type": "FAX"},
        {"invoice_date": "tomorrow"},
        {"unmatched_line_products": "ignore"},
        {"delivery_date_property": "no_such_property"},
        {"deal_without_lines": "default_product"},  # without a default product named
        {"default_product": "x" * 101},
    ):
        answer = user.post("/settings/deals", form(**bad))
        assert answer.status_code == 422, bad
        assert 'class="field-error"' in answer.get_data(as_text=True), bad

    with user.collaborators() as c:
        assert c.installations.setting(DEMO_PORTAL, KEY) == STORED


def test_saving_without_the_pipelines_keeps_the_stage_rules(user):
    with user.collaborators() as c:
        c.installations.set_setting(DEMO_PORTAL, KEY, STORED)

    answer = user.post("/settings/deals", form(send_to_customer="y", send_type="EHF"))

    assert answer.status_code == 200 and "Saved." in shown(answer)
    assert "could not be read just now" in shown(answer)
    with user.collaborators() as c:
        saved = c.installations.setting(DEMO_PORTAL, KEY)
    assert saved["stage_rules"] == STORED["stage_rules"]
    assert (saved["send_to_customer"], saved["send_type"], saved["confirmed"]) == (
        True,
        "EHF",
        True,
    )


def test_retrying_a_deal_that_is_not_held_is_refused(user):
    page = user.client.get("/settings/deals")
    for hubspot_id in ("123", "", "'; drop table mappings; --"):
        answer = user.post("/settings/deals/retry", {"hubspot_id": hubspot_id}, page=page)
        assert answer.status_code == 404
        assert "That deal is not held." in shown(answer)
    with user.collaborators() as c:
        assert c.inbox.pending(DEMO_PORTAL) == []
