"""Step 2, connecting Tripletex: every way a pasted token fails, and what a working one stores."""

import re
from pathlib import Path

import pytest
import requests

from tests.auth import shown
from tests.journey import (
    DEMO_PORTAL,
    connect_tripletex,
    disconnect_tripletex,
    install,
    post_step,
    text_of,
)
from tests.rows import credential_rows, portal_rows, setting, split
from webapp.clients.tripletex import TripletexClient
from webapp.storage.credentials import TRIPLETEX_EMPLOYEE, TRIPLETEX_SESSION
from webapp.timeutil import parse, utcnow

APP_NAME = "Tripletex Sync for HubSpot"


@pytest.fixture
def user(stack, browser):
    install(stack, browser)
    return browser


def tripletex_rows(db) -> list:
    return db.execute("select kind from credentials where kind like 'tripletex%'").fetchall()


def tripletex_metas(db) -> dict:
    """Each stored Tripletex credential's kind and its (non-secret) meta, decoded."""
    return {
        row["kind"]: row["meta"]
        for row in credential_rows(db, DEMO_PORTAL)
        if row["kind"].startswith("tripletex")
    }


def tripletex_calls(stack) -> int:
    log = requests.get(stack.tripletex_url + "/_sandbox/requests").json()
    return sum(log["counts"].values())


def sessions_asked_for(stack) -> int:
    """How many times Tripletex was asked to make a session from an employee token."""
    log = requests.get(stack.tripletex_url + "/_sandbox/requests").json()
    return log["counts"].get("POST /v2/token/session/:create", 0)


def accountant_client_company(stack) -> int:
    companies = requests.get(stack.tripletex_url + "/_sandbox/companies").json()["companies"]
    return next(
        t["clientCompanyIds"][-1]
        for c in companies
        for t in c["tokens"]
        if t["token"] == "demo-accountant-token"
    )


def assert_nothing_stored(db):
    assert tripletex_metas(db) == {}
    assert portal_rows(db)["settings"] == []  # no connection, no check, no choices


@pytest.mark.parametrize(
    "pasted, message",
    [
        ("", "Paste the token you created in Tripletex."),
        ("   \n\t ", "Paste the token you created in Tripletex."),
        ('""', "Paste the token you created in Tripletex."),
        ("demo-employee\u200btoken", "invisible characters"),
        ("x" * 3000, "much longer than a Tripletex token"),
    ],
)
def test_input_that_cannot_be_a_token_is_refused_inline_without_calling_tripletex(
    stack, user, db, pasted, message
):
    page = connect_tripletex(stack, user, pasted)
    assert page.status_code == 422
    assert message in text_of(page.text)
    assert_nothing_stored(db)
    assert tripletex_calls(stack) == 0


def test_surrounding_whitespace_and_quotes_are_trimmed(stack, user, db):
    page = connect_tripletex(stack, user, "  “demo-employee-token”\n")
    assert page.url.endswith("/setup/check")
    assert tripletex_metas(db) == {TRIPLETEX_EMPLOYEE: {"company_id": 0}, TRIPLETEX_SESSION: {}}


# Neither looks like a Tripletex token (too short; a space), yet only Tripletex can tell.
UNUSUAL = ["abc", "kort token 42"]
UNUSUAL_WARNING = "This does not look like a Tripletex token, but you can still try it."


@pytest.mark.parametrize("token", UNUSUAL)
def test_an_unusual_looking_token_tripletex_knows_connects(stack, user, db, token):
    requests.post(
        stack.tripletex_url + "/_sandbox/companies",
        json={"name": "Rar Token AS", "tokens": {"working": token}},
    ).raise_for_status()

    page = connect_tripletex(stack, user, token)

    assert page.status_code == 200 and page.url.endswith("/setup/check")
    assert "Can the sync work with Rar Token AS?" in text_of(page.text)
    assert setting(db, DEMO_PORTAL, "tripletex_connection")["company"]["name"] == "Rar Token AS"


@pytest.mark.parametrize("token", UNUSUAL)
def test_an_unusual_looking_token_is_refused_by_tripletex_not_by_us(stack, user, db, token):
    page = connect_tripletex(stack, user, token)

    assert sessions_asked_for(stack) == 1  # sent to Tripletex, which said no
    assert page.status_code == 422
    text = text_of(page.text)
    assert "Tripletex did not accept this token." in text
    assert UNUSUAL_WARNING in text  # now the doubt is worth saying
    assert_nothing_stored(db)


@pytest.mark.parametrize(
    "token", ["demo-revoked-token", "demo-other-app-token", "no-such-token-at-all"]
)
def test_a_refused_employee_token_names_the_likely_causes(stack, user, db, token):
    page = connect_tripletex(stack, user, token)
    assert page.status_code == 422
    text = text_of(page.text)
    assert "Tripletex did not accept this token" in text
    assert "revoked" in text and "integration module is not active" in text
    assert f"the application name must be exactly: {APP_NAME}" in text
    assert UNUSUAL_WARNING not in text  # it looks like a token; Tripletex said no
    assert token not in page.text  # never echoed back
    assert_nothing_stored(db)


def test_a_token_without_entitlements_says_which_are_missing(stack, user, db):
    page = connect_tripletex(stack, user, "demo-no-entitlements-token")
    assert page.status_code == 422
    text = text_of(page.text)
    assert "missing access the sync needs" in text
    assert "Missing: Customers, Contacts, Products, Orders, Invoices" in text
    assert_nothing_stored(db)


def test_a_rate_limited_connect_says_when_to_retry_without_making_the_user_wait(stack, user, db):
    # Default settings: the connect tries twice, waits at most seconds, then explains.
    requests.post(
        stack.tripletex_url + "/_sandbox/faults", json={"rate_limit_burst": 20}
    ).raise_for_status()
    page = connect_tripletex(stack, user, "demo-employee-token")
    assert tripletex_calls(stack) == 2  # one retry (at most two seconds), then it says so
    assert page.status_code == 429
    text = text_of(page.text)
    assert "Tripletex asked us to slow down" in text
    seconds = int(re.search(r"Try again in (\d+) seconds?", text).group(1))
    assert 1 <= seconds <= 10
    assert_nothing_stored(db)


def test_tripletex_unreachable_or_failing_says_retry_and_stores_nothing(stack, user, db):
    requests.post(
        stack.tripletex_url + "/_sandbox/faults", json={"server_errors": 50}
    ).raise_for_status()
    page = connect_tripletex(stack, user, "demo-employee-token")
    assert page.status_code == 502
    assert "Tripletex did not answer in time" in text_of(page.text)
    assert_nothing_stored(db)


def test_a_refused_consumer_token_is_shown_as_the_operators_problem(stack, user, db):
    stack.app.config["TRIPLETEX_CONSUMER_TOKEN"] = "not-the-consumer-token"
    page = connect_tripletex(stack, user, "demo-employee-token")
    assert page.status_code == 503
    text = text_of(page.text)
    assert "This app is not set up correctly" in text
    assert "not a problem with your token" in text
    assert_nothing_stored(db)


def test_a_working_token_connects_shows_the_company_and_is_stored_encrypted(stack, user, db):
    started = utcnow().replace(microsecond=0)
    page = connect_tripletex(stack, user, "demo-employee-token")
    assert page.status_code == 200 and page.url.endswith("/setup/check")
    connection, when = split(setting(db, DEMO_PORTAL, "tripletex_connection"), "connected_at")
    assert connection == {
        "company": {"id": 10450001, "name": "Nordvik Demo AS", "organization_number": "858813999"},
        "company_id": 0,  # the token owner's own company
        "employee": {"name": "Kari Nordmann", "email": "kari@10450001.example"},
    }
    assert started <= parse(when["connected_at"]) <= utcnow()
    assert tripletex_metas(db) == {TRIPLETEX_EMPLOYEE: {"company_id": 0}, TRIPLETEX_SESSION: {}}
    step = user.get(stack.app_url + "/setup/tripletex")
    text = text_of(step.text)
    assert "Connected to Tripletex" in text
    assert "Nordvik Demo AS" in text and "858813999" in text
    assert "Token belongs to" in text
    secrets = db.execute(
        "select secret from credentials where kind = ?", [TRIPLETEX_EMPLOYEE]
    ).fetchall()
    assert len(secrets) == 1 and "demo-employee-token" not in secrets[0][0]
    assert "demo-employee-token" not in step.text


def test_the_connection_check_runs_at_once_and_passes_for_a_ready_company(stack, user):
    page = connect_tripletex(stack, user, "demo-employee-token")
    text = text_of(page.text)
    assert "Everything the sync needs is in place" in text
    assert text.count("Passed") == 9


def test_an_accountants_token_lets_the_user_pick_the_client_company(stack, user, db):
    page = connect_tripletex(stack, user, "demo-accountant-token")
    assert page.status_code == 200
    assert "can act for several companies" in text_of(page.text)
    assert tripletex_rows(db) == [("tripletex_pending",)]  # encrypted, awaiting a choice
    assert "demo-accountant-token" not in page.text
    client_id = accountant_client_company(stack)
    choice = post_step(
        stack, user, "/setup/tripletex/company", {"company_id": str(client_id)}, page
    )
    assert choice.url.endswith("/setup/check"), text_of(choice.text)
    assert tripletex_metas(db) == {
        TRIPLETEX_EMPLOYEE: {"company_id": client_id},
        TRIPLETEX_SESSION: {},
    }  # the pending token is gone
    assert setting(db, DEMO_PORTAL, "tripletex_connection")["company_id"] == client_id


def test_choosing_a_company_the_token_cannot_reach_is_refused(stack, user, db):
    page = connect_tripletex(stack, user, "demo-accountant-token")
    choice = post_step(stack, user, "/setup/tripletex/company", {"company_id": "999999"}, page)
    assert choice.status_code == 422
    assert "Choose one of the companies listed" in text_of(choice.text)
    assert TRIPLETEX_EMPLOYEE not in [r[0] for r in tripletex_rows(db)]


def test_connecting_again_replaces_the_token_and_disconnect_removes_it(stack, user, db):
    connect_tripletex(stack, user, "demo-employee-token")
    companies = requests.get(stack.tripletex_url + "/_sandbox/companies").json()["companies"]
    other = next(t["token"] for t in companies[1]["tokens"] if t["label"] == "working")

    page = connect_tripletex(stack, user, other)

    assert page.url.endswith("/setup/check")
    step = user.get(stack.app_url + "/setup/tripletex")
    assert companies[1]["name"] in text_of(step.text)
    assert tripletex_metas(db) == {TRIPLETEX_EMPLOYEE: {"company_id": 0}, TRIPLETEX_SESSION: {}}

    gone = disconnect_tripletex(stack, user)

    assert gone.url.endswith("/setup/tripletex")
    assert "Paste the token below" in text_of(gone.text)
    assert tripletex_rows(db) == []
    log = requests.get(stack.tripletex_url + "/_sandbox/requests").json()["counts"]
    assert any(e.startswith("DELETE /v2/token/session/") for e in log), log
    assert user.get(stack.app_url + "/setup/check").url.endswith("/setup/tripletex")


def test_a_failed_check_says_how_to_fix_it_and_can_be_rechecked(stack, user, db):
    made = requests.post(
        stack.tripletex_url + "/_sandbox/companies",
        json={"name": "Uten Bank AS", "bankAccountNumber": ""},
    ).json()
    token = next(t["token"] for t in made["tokens"] if t["label"] == "working")
    page = connect_tripletex(stack, user, token)
    text = text_of(page.text)
    assert "No bank account number is registered" in text and "account 1920" in text
    assert user.get(stack.app_url + "/setup/plan").url.endswith("/setup/check")  # not open yet
    # What the user does in Tripletex: register the number on ledger account 1920.
    tripletex = TripletexClient(stack.tripletex_url + "/v2", "sandbox-consumer-token", token)
    account = next(tripletex.list("/ledger/account", params={"number": "1920"}))
    tripletex.update(
        f"/ledger/account/{account['id']}",
        {"version": account["version"], "bankAccountNumber": "15038698793"},
    )
    again = post_step(stack, user, "/setup/check", {}, page)
    assert "Everything the sync needs is in place" in text_of(again.text)


def test_an_operator_without_billing_can_hide_the_plan_step(app, client, auth):
    app.config["SHOW_PLAN_STEP"] = False  # read per request, as TXSYNC_SHOW_PLAN_STEP is
    auth.sign_in()
    auth.connect_tripletex()
    page = client.get("/setup/check")
    assert "Step 3 of 5" in shown(page) and "Choose plan" not in shown(page)
    assert client.get("/setup/plan").status_code == 404
    done = client.get("/setup/done")
    assert done.status_code == 200 and "You are set up" in shown(done)


def test_an_accountants_token_can_replace_a_connection_that_works(stack, user, db):
    connect_tripletex(stack, user, "demo-employee-token")
    page = connect_tripletex(stack, user, "demo-accountant-token")
    assert 'name="company_id"' in page.text
    client_id = accountant_client_company(stack)
    choice = post_step(
        stack, user, "/setup/tripletex/company", {"company_id": str(client_id)}, page
    )
    assert choice.url.endswith("/setup/check")
    assert tripletex_metas(db) == {
        TRIPLETEX_EMPLOYEE: {"company_id": client_id},
        TRIPLETEX_SESSION: {},
    }


def test_tripletex_tokens_never_reach_the_database_files_in_plaintext(stack, user):
    connect_tripletex(stack, user, "demo-employee-token")
    sessions = stack.tripletex_sandbox.sessions
    assert sessions, "connecting made a Tripletex session"
    secrets = [b"demo-employee-token"] + [s.encode() for s in sessions]
    files = [Path(stack.app.config["DATABASE"] + suffix) for suffix in ("", "-wal")]
    for path in [f for f in files if f.exists()]:
        content = path.read_bytes()
        assert not [s for s in secrets if s in content], path.name


def test_a_slow_tripletex_is_given_up_on_and_explained(make_stack, db_for):
    stack = make_stack(app_config={"HTTP_TIMEOUT": 0.5})
    browser, _ = install(stack)
    requests.post(
        stack.tripletex_url + "/_sandbox/faults", json={"timeouts": 5, "timeout_seconds": 1.5}
    ).raise_for_status()
    page = connect_tripletex(stack, browser, "demo-employee-token")
    assert page.status_code == 502
    assert "Tripletex did not answer in time" in text_of(page.text)
    assert tripletex_rows(db_for(stack)) == []


def test_a_disconnect_sent_without_its_confirmation_only_asks(auth, client):
    auth.sign_in()
    auth.connect_tripletex()
    with auth.collaborators() as c:
        before = portal_rows(c.db)

    sent = auth.post("/setup/tripletex/disconnect", {}, client.get("/setup/tripletex"))

    assert (sent.status_code, sent.location) == (303, "/setup/tripletex/disconnect")
    page = client.get(sent.location)
    assert "Disconnect Nordvik Demo AS from HubSpot Nordisk Demo AS?" in shown(page)
    with auth.collaborators() as c:
        assert portal_rows(c.db) == before


def test_a_connect_that_fails_leaves_no_session_open_at_tripletex(stack, user, db):
    page = connect_tripletex(stack, user, "demo-no-entitlements-token")

    assert page.status_code == 422
    log = requests.get(stack.tripletex_url + "/_sandbox/requests").json()["counts"]
    assert any(e.startswith("DELETE /v2/token/session/") for e in log), log
    assert_nothing_stored(db)
