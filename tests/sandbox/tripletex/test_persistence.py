"""The Tripletex sandbox keeps its world between runs, so a restarted `make run` still has the
companies, customers, invoices and tokens the app links to (a convenience of ours: the real
Tripletex simply never forgets)."""

from __future__ import annotations

import base64
import stat

import pytest

from webapp.sandbox.tripletex import create_app
from webapp.sandbox.tripletex.demo import DEMO_TOKENS

from .conftest import NOW, basic
from .flows import customer

CONSUMER = "sandbox-consumer-token"


def run(state_file, **settings):
    """One run of the sandbox with its world kept in `state_file`."""
    return create_app({"demo": True, "state_file": str(state_file), **settings})


def stop(app) -> None:
    app.extensions["tripletex_sandbox"].saved.stop()  # what the command does on SIGTERM/SIGINT


def session(client) -> tuple[str, str]:
    reply = client.post(
        "/v2/token/session/:create",
        json={
            "consumerToken": CONSUMER,
            "employeeToken": DEMO_TOKENS["working"],
            "expirationDate": "2099-01-01",
        },
    )
    assert reply.status_code in (200, 201), reply.json
    return ("0", reply.json["value"]["token"])


def customers(client, auth) -> list[str]:
    headers = {"Authorization": _basic(auth)}
    found = client.get(
        "/v2/customer?fields=name&isInactive=false&from=0&count=1000", headers=headers
    )
    assert found.status_code == 200, found.json
    return sorted(c["name"] for c in found.json["values"])


def _basic(auth) -> str:
    return "Basic " + base64.b64encode(":".join(auth).encode()).decode()


def test_a_restart_finds_the_customers_and_the_session_as_they_were(tmp_path):
    first = run(tmp_path / "tripletex.state")
    client = first.test_client()
    auth = session(client)
    made = client.post(
        "/v2/customer", json={"name": "Lagret Kunde AS"}, headers={"Authorization": _basic(auth)}
    )
    assert made.status_code == 201
    before = customers(client, auth)
    stop(first)

    again = run(tmp_path / "tripletex.state").test_client()

    assert customers(again, auth) == before  # the same session token still works
    assert "Lagret Kunde AS" in before


def test_a_reset_through_the_control_api_is_kept_too(tmp_path):
    first = run(tmp_path / "tripletex.state")
    assert first.test_client().post("/_sandbox/reset", json={}).status_code == 200
    stop(first)

    again = run(tmp_path / "tripletex.state", demo=False).test_client()

    assert again.get("/_sandbox/companies").json["companies"] == []


def test_fresh_starts_over_with_the_demo(tmp_path):
    first = run(tmp_path / "tripletex.state")
    client = first.test_client()
    auth = session(client)
    client.post(
        "/v2/customer", json={"name": "Lagret Kunde AS"}, headers={"Authorization": _basic(auth)}
    )
    stop(first)

    again = run(tmp_path / "tripletex.state", fresh=True).test_client()

    assert "Lagret Kunde AS" not in customers(again, session(again))


def test_the_file_is_readable_by_its_owner_only(tmp_path):
    stop(run(tmp_path / "tripletex.state"))
    assert stat.S_IMODE((tmp_path / "tripletex.state").stat().st_mode) == 0o600


@pytest.mark.parametrize("content", [b"not a state file\n...", b""])
def test_a_file_it_cannot_use_is_set_aside_and_the_demo_seeded(tmp_path, caplog, content):
    path = tmp_path / "tripletex.state"
    path.write_bytes(content)

    app = run(path)

    assert app.extensions["tripletex_sandbox"].companies
    assert "starting afresh" in caplog.text
    assert (tmp_path / "tripletex.state.unused").read_bytes() == content  # kept for a look


def test_a_subscription_the_delivery_thread_disabled_stays_disabled_after_a_restart(
    make_sandbox, httpserver, tmp_path
):
    """Deliveries fail on the webhook thread, outside any request: the subscription they
    disable (DISABLED_TOO_MANY_ERRORS) must be saved all the same."""
    path = tmp_path / "tripletex.state"
    api = make_sandbox(
        state_file=str(path),
        webhook_max_failures=1,
        webhook_retry_delays=[],
        webhook_delivery_delay=60,  # due only once the test moves the clock
    )
    tx = api.login()
    httpserver.expect_request("/down", method="POST").respond_with_data("no", status=500)
    made = tx.post(
        tx.u("/v2/event/subscription"),
        json={"event": "customer.create", "targetUrl": httpserver.url_for("/down")},
    )
    assert made.status_code == 201, made.text
    sub = made.json()["value"]["id"]
    customer(tx)
    saved = api.state.saved
    saved.stop()  # everything the requests changed is on file; no more background saves

    api.state.clock.advance(60)  # in process: no request marks the world changed
    (delivery,) = api.deliveries()
    assert delivery["status"] == "FAILED"
    assert tx.get(tx.u(f"/v2/event/subscription/{sub}")).json()["value"]["status"] == (
        "DISABLED_TOO_MANY_ERRORS"
    )
    saved.stop()  # what the command does on SIGTERM: a last save of anything unsaved

    again = create_app({"state_file": str(path), "now": lambda: NOW}).test_client()
    read = again.get(f"/v2/event/subscription/{sub}", headers={"Authorization": basic(*tx.auth)})
    assert read.status_code == 200, read.json
    assert read.json["value"]["status"] == "DISABLED_TOO_MANY_ERRORS"
