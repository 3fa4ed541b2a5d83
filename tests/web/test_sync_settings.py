"""The sync settings page refuses what it did not offer, and keeps what the sync itself set."""

import pytest

from tests.auth import shown
from tests.journey import DEMO_PORTAL
from webapp.sync.settings import KEY


@pytest.fixture
def user(auth):
    """Signed in and connected; HubSpot and Tripletex do not answer (tests.auth), so the page
    offers only what is stored."""
    auth.sign_in()
    auth.connect_tripletex()
    return auth


def form(**overrides):
    values = {
        "match_rules": "org_number,email,name",
        "org_number_property": "orgnr",
        "email_property": "",
        "currency_property": "",
        "product_number_property": "hs_sku",
        "invalid_org_number": "create_without",
        "unmatched_products": "create",
        "vat_code": "3",
        "on_deletion": "unlink",
    }
    return {k: v for k, v in dict(values, **overrides).items() if v is not None}


def test_a_value_the_page_did_not_offer_is_refused_and_nothing_saved(user, client):
    with user.collaborators() as c:
        c.installations.set_setting(DEMO_PORTAL, KEY, {"confirmed": True})

    for bad in (
        {"vat_code": "99"},
        {"org_number_property": "no_such_property"},
        {"match_rules": "name"},
        {"on_deletion": "delete"},
        {"currency_property": "no_such_property"},
        {"product_number_property": ""},
    ):
        answer = user.post("/settings/sync", form(**bad))
        assert answer.status_code == 422, bad
        assert "Not a valid choice" in shown(answer)

    with user.collaborators() as c:
        assert c.installations.setting(DEMO_PORTAL, KEY) == {"confirmed": True}


def test_saving_keeps_what_the_sync_set_itself(user):
    with user.collaborators() as c:
        c.installations.set_setting(DEMO_PORTAL, KEY, {"confirmed": True})

    answer = user.post("/settings/sync", form(paused="y"))

    assert answer.status_code == 200 and "Saved." in shown(answer)
    with user.collaborators() as c:
        saved = c.installations.setting(DEMO_PORTAL, KEY)
    assert (saved["confirmed"], saved["paused"]) == (True, True)


def test_the_page_needs_a_signed_in_portal(client):
    assert client.get("/settings/sync").status_code == 401
    assert client.post("/settings/sync", data=form()).status_code in (400, 401)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"hubspot_product": "  ", "tripletex_product": "RS-900"},
        {"hubspot_product": "SKU-1", "tripletex_product": "x" * 201},
    ],
)
def test_a_product_mapping_without_both_products_is_refused_before_any_lookup(user, fields):
    answer = user.post("/settings/sync/products", fields, page=user.client.get("/settings/sync"))

    assert answer.status_code == 422
    assert "Name the" in shown(answer) or "At most 200 characters." in shown(answer)
    with user.collaborators() as c:
        assert c.product_choices.all(DEMO_PORTAL) == []


def test_removing_a_product_mapping_that_does_not_exist_is_a_404(user):
    for hubspot_id in ("123", "not-a-number", ""):
        answer = user.post(
            "/settings/sync/products/remove",
            {"hubspot_id": hubspot_id},
            page=user.client.get("/settings/sync"),
        )
        assert answer.status_code == 404
        assert "That product mapping does not exist." in shown(answer)


def test_a_product_mapping_when_the_services_do_not_answer_says_so_and_keeps_nothing(user):
    answer = user.post(
        "/settings/sync/products",
        {"hubspot_product": "SKU-1", "tripletex_product": "RS-900"},
        page=user.client.get("/settings/sync"),
    )

    assert answer.status_code == 503
    with user.collaborators() as c:
        assert c.product_choices.all(DEMO_PORTAL) == []
