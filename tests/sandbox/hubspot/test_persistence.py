"""The HubSpot sandbox keeps its world between runs, so a restarted `make run` still has the
portals, records and tokens the app links to (a convenience of ours: the real HubSpot simply
never forgets)."""

from __future__ import annotations

import pickle
import stat
import time

import pytest
import requests

from tests.servers import serving
from webapp.sandbox.hubspot import create_app

from .conftest import DEMO, bearer, install

O = "/crm/objects/2026-03"


def run(state_file, **settings):
    """One run of the sandbox with its world kept in `state_file`."""
    return create_app({"demo": True, "state_file": str(state_file), **settings})


def stop(app) -> None:
    app.extensions["hubspot_sandbox"].saved.stop()  # what the command does on SIGTERM/SIGINT


def add_portal(app, portal_id=4999999) -> None:
    reply = app.test_client().post(
        "/_sandbox/portals", json={"id": portal_id, "name": "Lagret AS", "domain": "lagret.no"}
    )
    assert reply.status_code == 201


def names(app) -> list[str]:
    return [p["name"] for p in app.test_client().get("/_sandbox/portals").json["results"]]


def test_a_restart_finds_the_world_as_it_was_left(tmp_path):
    first = run(tmp_path / "hubspot.state")
    add_portal(first)
    state = first.extensions["hubspot_sandbox"].state
    tokens = dict(state.access_tokens)
    stop(first)

    second = run(tmp_path / "hubspot.state")

    assert names(second) == ["Nordisk Demo AS", "Tom Testportal AS", "Lagret AS"]
    assert second.extensions["hubspot_sandbox"].state.access_tokens == tokens
    # The demo is not seeded over it: the demo portal's records are the same ones.
    before = sorted(state.portals[4000001].records["companies"])
    after = sorted(second.extensions["hubspot_sandbox"].state.portals[4000001].records["companies"])
    assert after == before


def test_fresh_starts_over_with_the_demo(tmp_path):
    first = run(tmp_path / "hubspot.state")
    add_portal(first)
    stop(first)

    again = run(tmp_path / "hubspot.state", fresh=True)

    assert names(again) == ["Nordisk Demo AS", "Tom Testportal AS"]


def test_a_reset_through_the_control_api_is_kept_too(tmp_path):
    first = run(tmp_path / "hubspot.state")
    assert first.test_client().post("/_sandbox/reset", json={}).status_code == 200
    stop(first)

    assert names(run(tmp_path / "hubspot.state", demo=False)) == []


def test_the_file_is_readable_by_its_owner_only(tmp_path):
    app = run(tmp_path / "hubspot.state")
    stop(app)
    assert stat.S_IMODE((tmp_path / "hubspot.state").stat().st_mode) == 0o600


@pytest.mark.parametrize("content", [b"not a pickle", None])
def test_a_file_it_cannot_use_is_set_aside_and_the_demo_seeded(tmp_path, caplog, content):
    path = tmp_path / "hubspot.state"
    if content is None:  # a world saved by other code (another version of the simulator)
        app = run(path)
        add_portal(app)
        saved = app.extensions["hubspot_sandbox"].saved
        saved.fingerprint = "another version"
        stop(app)
    else:
        path.write_bytes(content)

    app = run(path)

    assert names(app) == ["Nordisk Demo AS", "Tom Testportal AS"]
    assert "starting afresh" in caplog.text
    aside = tmp_path / "hubspot.state.unused"
    assert aside.exists(), "kept for a look, not destroyed"
    if content is not None:
        assert aside.read_bytes() == content


def test_an_email_taken_by_an_update_is_still_taken_after_a_restart(tmp_path):
    """The index of taken unique values (uniques.py) is kept with the portal: a contact's
    new e-mail still refuses a second contact after a restart (test_unique_values.py)."""
    first = run(tmp_path / "hubspot.state")
    with serving(first, poll_interval=0.02) as base:
        headers = bearer(install(base, DEMO))
        made = requests.post(
            f"{base}{O}/contacts", json={"properties": {"email": "foer@flett.no"}}, headers=headers
        )
        contact = made.json()["id"]
        moved = requests.patch(
            f"{base}{O}/contacts/{contact}",
            json={"properties": {"email": "etter@flett.no"}},
            headers=headers,
        )
        assert moved.status_code == 200, moved.text
    stop(first)

    with serving(run(tmp_path / "hubspot.state"), poll_interval=0.02) as base:
        again = requests.post(
            f"{base}{O}/contacts", json={"properties": {"email": "ETTER@flett.no"}}, headers=headers
        )

    assert again.status_code == 409, again.text
    assert again.json()["message"] == f"Contact already exists. Existing ID: {contact}"


def test_a_clock_moved_through_the_control_api_is_still_moved_after_a_restart(tmp_path):
    """As the Tripletex sandbox's does: tokens, search lag and retries were timed by it."""
    first = run(tmp_path / "hubspot.state")
    with serving(first, poll_interval=0.02) as base:
        moved = requests.post(f"{base}/_sandbox/clock", json={"advance": 3 * 86400})
        assert moved.status_code == 200, moved.text
    stop(first)

    with serving(run(tmp_path / "hubspot.state"), poll_interval=0.02) as base:
        now = requests.get(f"{base}/_sandbox/clock").json()["now"]

    assert now - time.time() == pytest.approx(3 * 86400, abs=60)


def test_ids_go_on_where_they_stood_and_are_saved_as_plain_numbers(tmp_path):
    """Pickled itertools.count objects stop loading in Python 3.14; the counters are ints."""
    first = run(tmp_path / "hubspot.state")
    state = first.extensions["hubspot_sandbox"].state
    assert b"itertools" not in pickle.dumps(state)
    made = first.test_client().post(
        f"/_sandbox/portals/{DEMO}/objects/products", json={"properties": {"name": "Før"}}
    )
    assert made.status_code == 201, made.json
    stop(first)

    again = (
        run(tmp_path / "hubspot.state")
        .test_client()
        .post(f"/_sandbox/portals/{DEMO}/objects/products", json={"properties": {"name": "Etter"}})
    )

    assert int(again.json["id"]) == int(made.json["id"]) + 1
