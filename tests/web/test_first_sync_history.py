"""Starting the first sync with a choice for won deals not in Tripletex: a choice the page did
not offer, or a date missing, is refused and nothing starts; a valid one is kept."""

import pytest

from tests.auth import shown
from tests.journey import DEMO_PORTAL
from webapp.sync.preview import CURSOR
from webapp.sync.settings import KEY


@pytest.fixture
def reviewing(auth):
    """Signed in, connected, and the preview ready, with a won deal not in Tripletex."""
    auth.sign_in()
    auth.connect_tripletex()
    with auth.collaborators() as c:
        c.installations.set_plan(DEMO_PORTAL, "free")
        c.cursors.put(DEMO_PORTAL, CURSOR, {"state": "ready", "done": {}})
        c.previews.put(
            DEMO_PORTAL,
            [
                {
                    "hubspot_type": "deals",
                    "hubspot_id": "77",
                    "name": "Gammel",
                    "outcome": "not_invoiced",
                }
            ],
        )
    return auth


def stored(auth) -> dict:
    with auth.collaborators() as c:
        return c.installations.setting(DEMO_PORTAL, KEY) or {}


def test_the_page_offers_the_choice_and_a_bad_one_starts_nothing(reviewing):
    page = reviewing.client.get("/setup/first_sync")
    assert "1 won deal is not in Tripletex." in shown(page)
    for bad in (
        {"history": "invoice_since"},  # no date
        {"history": "invoice_since", "history_since": "31.12.2026"},
        {"history": "everything"},
    ):
        answer = reviewing.post("/setup/first-sync/confirm", dict(bad, confirm="yes"), page=page)
        assert answer.status_code == 422, bad
        assert 'class="field-error"' in answer.text
    assert stored(reviewing).get("confirmed") is not True


def test_a_valid_choice_is_kept_and_the_first_sync_starts(reviewing):
    page = reviewing.client.get("/setup/first_sync")
    answer = reviewing.post(
        "/setup/first-sync/confirm",
        {"confirm": "yes", "history": "invoice_since", "history_since": "2026-11-01"},
        page=page,
    )
    assert answer.status_code in (200, 303)
    settings = stored(reviewing)
    assert (settings["won_deal_history"], settings["history_since"], settings["confirmed"]) == (
        "invoice_since",
        "2026-11-01",
        True,
    )
