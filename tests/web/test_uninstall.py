"""Uninstalling: from our page, or in HubSpot (seen as a refused refresh), then the purge."""

import time
from dataclasses import replace
from datetime import datetime, timedelta

import requests

from tests.conftest import FakeClock
from tests.journey import DEMO_PORTAL, connect_tripletex, install, post_step, text_of, uninstall
from webapp.portal.lifecycle import check_idle_portals, confirm_uninstalled, purge_expired
from webapp.storage.credentials import HUBSPOT_OAUTH
from webapp.storage.locks import WAIT_WHILE_PERSON_WAITS


def introspect(stack, token: str) -> dict:
    return requests.post(
        stack.hubspot_url + "/oauth/2026-03/token/introspect",
        data={
            "client_id": "sandbox-client-id",
            "client_secret": "sandbox-client-secret",
            "token": token,
        },
    ).json()


def finished_setup(stack, browser):
    install(stack, browser)
    connect_tripletex(stack, browser, "demo-employee-token")
    plan = browser.get(stack.app_url + "/setup/plan")
    return post_step(stack, browser, "/setup/plan", {"plan": "standard"}, plan)


def test_uninstall_from_our_page_tells_hubspot_and_erases_credentials(stack, browser, db):
    finished_setup(stack, browser)
    access = next(iter(stack.hubspot_sandbox.state.access_tokens))

    page = uninstall(stack, browser)

    assert page.status_code == 200
    assert "The app is uninstalled" in text_of(page.text)
    assert introspect(stack, access) == {"active": False}
    assert db["installations"].get(DEMO_PORTAL)["status"] == "uninstalled"
    assert db["credentials"].count == 0
    log = requests.get(stack.tripletex_url + "/_sandbox/requests").json()["counts"]
    assert any(e.startswith("DELETE /v2/token/session/") for e in log)
    assert browser.get(stack.app_url + "/setup/").status_code == 401


def test_uninstall_when_hubspot_is_down_changes_nothing_and_says_so(stack, browser, db):
    finished_setup(stack, browser)
    stack.app.config["HTTP_MAX_ATTEMPTS"] = 1
    requests.post(
        stack.hubspot_url + "/_sandbox/faults", json={"status": 503, "path": "^/appinstalls/"}
    ).raise_for_status()

    page = uninstall(stack, browser)

    assert page.status_code == 502
    assert "The app is still installed" in text_of(page.text)
    assert db["installations"].get(DEMO_PORTAL)["status"] == "active"
    assert db["credentials"].count >= 2


def test_an_uninstall_made_in_hubspot_is_detected_by_the_daily_check(stack, browser, db, collab):
    finished_setup(stack, browser)
    requests.post(
        stack.hubspot_url + f"/_sandbox/portals/{DEMO_PORTAL}/uninstall"
    ).raise_for_status()

    gone = check_idle_portals(collab, idle_for=timedelta(0))

    assert gone == [DEMO_PORTAL]
    assert db["installations"].get(DEMO_PORTAL)["status"] == "uninstalled"
    assert db["credentials"].count == 0


def test_the_daily_check_leaves_live_and_recently_used_portals_alone(stack, browser, db, collab):
    finished_setup(stack, browser)
    assert check_idle_portals(collab) == []  # used just now
    assert check_idle_portals(collab, idle_for=timedelta(0)) == []
    assert db["installations"].get(DEMO_PORTAL)["status"] == "active"


def test_a_refused_refresh_is_not_taken_for_an_uninstall_while_the_token_lives(
    stack, browser, db, collab
):
    # e.g. a worker that refreshed with a token another worker had already replaced
    finished_setup(stack, browser)
    assert confirm_uninstalled(collab, DEMO_PORTAL) is False
    assert db["installations"].get(DEMO_PORTAL)["status"] == "active"
    assert db["credentials"].get((DEMO_PORTAL, HUBSPOT_OAUTH))


def test_data_is_kept_through_the_grace_period_then_purged(stack, browser, db, collab):
    finished_setup(stack, browser)
    uninstall(stack, browser)
    assert purge_expired(collab, timedelta(days=30)) == []
    assert db["installations"].get(DEMO_PORTAL)["plan"] == "standard"

    assert purge_expired(collab, timedelta(0)) == [DEMO_PORTAL]

    for table in ("installations", "credentials", "settings", "login_tokens"):
        assert db[table].count_where("portal_id = ?", [DEMO_PORTAL]) == 0, table


def test_reinstalling_within_the_grace_period_keeps_the_settings(stack, browser, db):
    finished_setup(stack, browser)
    uninstall(stack, browser)

    again, landing = install(stack, requests.Session())

    assert db["installations"].get(DEMO_PORTAL)["status"] == "active"
    assert db["installations"].get(DEMO_PORTAL)["plan"] == "standard"
    # The Tripletex token was erased with the uninstall, so that step opens again.
    assert again.get(stack.app_url + "/setup/").url.endswith("/setup/tripletex")


def test_the_worker_runs_the_upkeep_daily_with_the_configured_grace(stack, browser, db, collab):
    from webapp.jobs import upkeep

    # Huey's crontab reads UTC: 02:17 is the night in Norway.
    assert upkeep.SCHEDULE(datetime(2026, 12, 1, 2, 17)) is True
    assert upkeep.SCHEDULE(datetime(2026, 12, 1, 2, 18)) is False
    finished_setup(stack, browser)
    uninstall(stack, browser)

    kept = upkeep.run_upkeep(replace(collab, config=dict(collab.config, UNINSTALL_GRACE_DAYS=30)))
    purged = upkeep.run_upkeep(replace(collab, config=dict(collab.config, UNINSTALL_GRACE_DAYS=0)))

    assert kept == {"uninstalled": [], "purged": [], "events": 0}
    assert purged == {"uninstalled": [], "purged": [DEMO_PORTAL], "events": 0}


def test_a_reinstall_just_before_the_purge_keeps_its_data(stack, browser, db, collab):
    finished_setup(stack, browser)
    uninstall(stack, browser)
    due = collab.installations.due_for_purge(timedelta(0))
    install(stack, requests.Session())  # between the listing and the delete
    assert due == [DEMO_PORTAL]
    assert collab.installations.purge(DEMO_PORTAL, timedelta(0)) is False
    assert db["installations"].get(DEMO_PORTAL)["status"] == "active"


def test_a_session_from_before_an_uninstall_stays_dead_after_a_reinstall(stack, browser, db):
    finished_setup(stack, browser)
    old_cookie = browser.cookies.get("session")
    uninstall(stack, browser)
    install(stack, requests.Session())

    stale = requests.get(stack.app_url + "/setup/hubspot", cookies={"session": old_cookie})

    assert stale.status_code == 401


def test_an_uninstall_sent_without_its_confirmation_only_asks(stack, browser, db):
    finished_setup(stack, browser)
    any_form = browser.get(stack.app_url + "/setup/plan")

    page = post_step(stack, browser, "/account/uninstall", {}, any_form)

    assert page.url.endswith("/account/uninstall")
    assert "Uninstall Tripletex Sync from Nordisk Demo AS?" in text_of(page.text)
    assert db["installations"].get(DEMO_PORTAL)["status"] == "active"
    assert db["credentials"].count >= 2


def test_a_page_waits_only_briefly_for_a_token_refresh_another_process_holds(
    stack, browser, db, collab
):
    finished_setup(stack, browser)
    # The worker is refreshing this portal's token (it holds the lease), and the stored token
    # is due for a refresh, so the page must take the lease too before calling HubSpot.
    token = collab.credentials.get(DEMO_PORTAL, HUBSPOT_OAUTH)
    collab.credentials.put(
        DEMO_PORTAL,
        HUBSPOT_OAUTH,
        dict(token, expires_at=time.time() - 1),
        meta=collab.credentials.meta(DEMO_PORTAL, HUBSPOT_OAUTH),
    )
    with db.conn:
        db.execute(
            "insert into locks (name, holder, expires_at) values (?, ?, ?)",
            [f"hubspot-refresh:{DEMO_PORTAL}", "the worker", time.time() + 600],
        )
    clock = stack.app.extensions["clock"] = FakeClock(epoch=time.time())  # waits not slept

    page = uninstall(stack, browser)

    assert page.status_code == 502  # explained, not a 500
    assert "The app is still installed" in text_of(page.text)
    assert sum(clock.waits) <= WAIT_WHILE_PERSON_WAITS + 0.1  # not the worker's 45 s
    assert db["installations"].get(DEMO_PORTAL)["status"] == "active"
