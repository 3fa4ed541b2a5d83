"""Installing from HubSpot: consent, callback, tokens, properties, reinstall, each failure."""

import json
from pathlib import Path

import pytest
import requests

from tests.auth import shown
from tests.journey import (
    DEMO_PORTAL,
    authorize_page,
    callback_url,
    code_and_state,
    connect_tripletex,
    consent,
    install,
    text_of,
)
from tests.rows import credential_rows, portal_rows, split
from webapp.portal.hubspot_app import OPTIONAL_SCOPES, REQUIRED_SCOPES
from webapp.portal.hubspot_properties import PROPERTIES, PROPERTY_SET
from webapp.storage.credentials import HUBSPOT_OAUTH
from webapp.storage.installations import PORTAL_TABLES
from webapp.timeutil import parse, utcnow

NOTHING = {table: [] for table in ("installations", *PORTAL_TABLES)}
GRANTED = sorted(REQUIRED_SCOPES + OPTIONAL_SCOPES)  # the sandbox grants every scope asked


def test_install_asks_hubspot_for_every_scope_the_product_needs(stack, browser):
    page = authorize_page(stack, browser)
    for scope in REQUIRED_SCOPES + OPTIONAL_SCOPES:
        assert f"<code>{scope}</code>" in page.text
    assert "Allow and install" in page.text


def test_install_lands_on_the_setup_screen_showing_the_portal_and_user(stack, browser):
    browser, landing = install(stack, browser)
    assert landing.url == stack.app_url + "/setup/hubspot"
    text = text_of(landing.text)
    assert "HubSpot connected" in text and "Step 1 of 6" in text
    assert str(DEMO_PORTAL) in text and "nordisk-demo.no" in text
    assert f"{len(REQUIRED_SCOPES) + len(OPTIONAL_SCOPES)} permissions" in text
    assert "kari.admin@nordisk-demo.no" in text


def test_the_setup_shows_the_portal_by_its_name_in_hubspot(stack, browser, db):
    browser, landing = install(stack, browser)
    assert "HubSpot account Nordisk Demo AS Domain nordisk-demo.no" in text_of(landing.text)
    assert db["installations"].get(DEMO_PORTAL)["portal_name"] == "Nordisk Demo AS"


def test_an_install_without_hubspots_account_information_names_the_portal_by_domain(
    stack, browser, db
):
    requests.post(
        stack.hubspot_url + "/_sandbox/faults", json={"status": 404, "path": "^/account-info/"}
    ).raise_for_status()
    browser, landing = install(stack, browser)
    assert landing.status_code == 200
    assert "HubSpot account nordisk-demo.no" in text_of(landing.text)
    assert db["installations"].get(DEMO_PORTAL)["portal_name"] == "nordisk-demo.no"


def test_install_stores_the_installation_and_only_encrypted_tokens(stack, browser, db):
    started = utcnow().replace(microsecond=0)
    install(stack, browser)
    row, times = split(db["installations"].get(DEMO_PORTAL), "installed_at", "updated_at")
    assert dict(row, scopes=json.loads(row["scopes"])) == {
        "portal_id": DEMO_PORTAL,
        "hub_domain": "nordisk-demo.no",
        "portal_name": "Nordisk Demo AS",
        "status": "active",
        "installed_by_user_id": 7000001,
        "installed_by_email": "kari.admin@nordisk-demo.no",
        "scopes": GRANTED,
        "property_set": PROPERTY_SET,
        "plan": None,
        "uninstalled_at": None,
        "session_epoch": 0,
    }
    assert started <= parse(times["installed_at"]) <= parse(times["updated_at"]) <= utcnow()
    assert [
        dict(c, meta={"scopes": sorted(c["meta"]["scopes"])})
        for c in credential_rows(db, DEMO_PORTAL)
    ] == [{"kind": HUBSPOT_OAUTH, "expires_at": None, "meta": {"scopes": GRANTED}}]
    token = stack.hubspot_sandbox.state.access_tokens
    access = next(iter(token))
    stored = db["credentials"].get((DEMO_PORTAL, HUBSPOT_OAUTH))["secret"]
    assert access not in stored
    refresh = next(iter(stack.hubspot_sandbox.state.refresh_tokens))
    files = [Path(stack.app.config["DATABASE"] + suffix) for suffix in ("", "-wal")]
    for path in [f for f in files if f.exists()]:
        content = path.read_bytes()
        assert access.encode() not in content and refresh.encode() not in content


def test_install_creates_the_apps_properties_in_the_portal_once(stack, browser, db):
    install(stack, browser)
    portal = stack.hubspot_sandbox.state.portals[DEMO_PORTAL]
    for object_type, definitions in PROPERTIES.items():
        made = portal.custom_properties[object_type]
        assert {d["name"] for d in definitions} <= set(made), object_type
        assert "tripletex_sync" in portal.groups[object_type]
    assert db["installations"].get(DEMO_PORTAL)["property_set"] == PROPERTY_SET
    before = stack.hubspot_sandbox.request_log()["counts"]

    install(stack, requests.Session())  # reinstalling creates nothing again

    after = stack.hubspot_sandbox.request_log()["counts"]
    writes = [e for e in after if e.startswith("POST /crm/properties")]
    assert all(after[e] == before.get(e) for e in writes)


def test_a_portal_with_the_first_property_set_gets_the_new_properties_and_statuses(
    stack, browser, db
):
    """A portal installed before the deal sync: its invoice-status options are set 1's and
    the deal sync's new properties are missing. Its next use brings both up to date."""
    from webapp.collaborators import Collaborators
    from webapp.portal.lifecycle import ensure_portal_properties

    install(stack, browser)
    portal = stack.hubspot_sandbox.state.portals[DEMO_PORTAL]
    deals = portal.custom_properties["deals"]
    with stack.hubspot_sandbox.state.lock:
        for name in (
            "tripletex_order_number",
            "tripletex_invoice_date",
            "tripletex_invoice_amount",
        ):
            del deals[name]
        deals["tripletex_invoice_status"]["options"] = [
            {"label": v, "value": v, "displayOrder": i, "hidden": False}
            for i, v in enumerate(("draft", "sent", "partly_paid", "paid", "overdue", "credited"))
        ]
        for object_type in ("companies", "contacts", "products", "deals"):
            status = portal.custom_properties[object_type]["tripletex_sync_status"]
            status["options"] = [o for o in status["options"] if o["value"] != "held"]
    db["installations"].update(DEMO_PORTAL, {"property_set": 1})
    db.conn.commit()

    with Collaborators.opened(stack.app.config) as c:
        assert ensure_portal_properties(c, DEMO_PORTAL) is True

    assert {"tripletex_order_number", "tripletex_invoice_date", "tripletex_invoice_amount"} <= set(
        deals
    )
    options = {o["value"]: o["hidden"] for o in deals["tripletex_invoice_status"]["options"]}
    assert options == {
        "ordered": False,
        "invoiced": False,
        "sent": False,
        "send_failed": False,
        "partly_paid": False,
        "paid": False,
        "overdue": False,
        "credited": False,
        "changed_after_invoicing": False,
        "draft": True,  # offered once, so kept, but no longer shown
    }
    assert db["installations"].get(DEMO_PORTAL)["property_set"] == PROPERTY_SET == 3
    # Set 3: a won deal waiting for a fix says "held", on every object's sync status.
    for object_type in ("companies", "contacts", "products", "deals"):
        statuses = portal.custom_properties[object_type]["tripletex_sync_status"]["options"]
        assert [o["value"] for o in statuses] == ["synced", "pending", "failed", "held"]


def test_reinstall_refreshes_the_tokens_and_keeps_the_settings(stack, browser, db):
    install(stack, browser)
    connect_tripletex(stack, browser, "demo-employee-token")
    first = db["credentials"].get((DEMO_PORTAL, HUBSPOT_OAUTH))["secret"]

    again, landing = install(stack, requests.Session())

    assert db["credentials"].get((DEMO_PORTAL, HUBSPOT_OAUTH))["secret"] != first
    assert db.execute("select count(*) from installations").fetchone()[0] == 1
    page = again.get(stack.app_url + "/setup/tripletex")
    assert "Nordvik Demo AS" in text_of(page.text)


def test_cancelling_consent_explains_and_offers_a_retry_and_stores_nothing(stack, browser, db):
    page = consent(stack, browser, authorize_page(stack, browser), decision="cancel")
    assert page.status_code == 400
    assert "You cancelled in HubSpot" in text_of(page.text)
    assert 'href="/install"' in page.text
    assert portal_rows(db) == NOTHING


def test_a_replayed_callback_is_refused(stack, browser, db):
    url = callback_url(stack, browser)
    assert browser.get(url).status_code == 200
    replay = browser.get(url)
    assert replay.status_code == 400
    assert "This install link has expired" in text_of(replay.text)


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(stack, browser, db):
    url = callback_url(stack, browser)
    stranger = requests.Session()  # e.g. a link planted in someone else's browser
    page = stranger.get(url)
    assert page.status_code == 400 and "expired" in text_of(page.text)
    assert portal_rows(db) == NOTHING


def test_a_callback_without_code_or_state_is_a_clear_400(client, auth):
    page = client.get("/oauth/callback")
    assert page.status_code == 400
    assert (
        "The install could not be completed HubSpot sent back an incomplete answer. Start "
        "the install again. Install again"
    ) in shown(page)
    with auth.collaborators() as c:
        assert portal_rows(c.db) == NOTHING


def test_a_code_hubspot_refuses_gives_a_retry_page_and_stores_nothing(stack, browser, db):
    url = callback_url(stack, browser)
    code, _ = code_and_state(url)
    with stack.hubspot_sandbox.state.lock:
        stack.hubspot_sandbox.state.codes.pop(code)  # expired or used elsewhere
    page = browser.get(url)
    assert page.status_code == 400
    assert "one-time code from HubSpot was refused" in text_of(page.text)
    assert portal_rows(db) == NOTHING


def test_hubspot_failing_during_the_callback_gives_a_retry_page(stack, browser, db):
    url = callback_url(stack, browser)
    faults = requests.post(
        stack.hubspot_url + "/_sandbox/faults", json={"status": 503, "path": "^/oauth/"}
    )
    assert faults.ok, faults.text
    page = browser.get(url)
    assert page.status_code == 502
    assert (
        "HubSpot did not answer We could not reach HubSpot to finish the install. This is "
        "usually temporary; try again in a minute. Install again"
    ) in text_of(page.text)
    assert portal_rows(db) == NOTHING


@pytest.mark.parametrize(
    "answer",
    [
        {"json": {"token_type": "bearer", "expires_in": 1800}},  # no access token
        {"json": {"access_token": "a", "refresh_token": "r", "expires_in": "soon"}},
        {"json": ["access_token", "a"]},
        {"response_data": "<html>maintenance</html>", "content_type": "text/html"},
    ],
)
def test_a_malformed_token_answer_from_hubspot_gives_a_retry_page(
    make_stack, db_for, httpserver, answer
):
    httpserver.expect_request("/oauth/2026-03/token", method="POST").respond_with_json(
        answer["json"]
    ) if "json" in answer else httpserver.expect_request(
        "/oauth/2026-03/token", method="POST"
    ).respond_with_data(answer["response_data"], content_type=answer["content_type"])
    stack = make_stack(app_config={"HUBSPOT_API_BASE": httpserver.url_for("").rstrip("/")})
    browser = requests.Session()
    page = browser.get(callback_url(stack, browser))
    assert page.status_code == 502
    assert "incomplete answer" in text_of(page.text)
    assert portal_rows(db_for(stack)) == NOTHING


def test_an_introspection_for_another_app_is_refused(make_stack, browser, db_for):
    stack = make_stack(app_config={"HUBSPOT_APP_ID": "999"})
    page = browser.get(callback_url(stack, browser))
    assert page.status_code == 400
    assert "did not match this app" in text_of(page.text)
    assert portal_rows(db_for(stack)) == NOTHING
