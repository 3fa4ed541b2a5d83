"""`flask --app wsgi sandbox connect`: install and connect a sandbox portal without a browser."""

from tests.conftest import TEST_KEY
from webapp.app import create_app
from webapp.db import connect
from webapp.portal.tripletex_link import CONNECTION


def connections(stack) -> list[dict]:
    db = connect(stack.app.config["DATABASE"])
    try:
        return [
            {"portal_id": row["portal_id"], "status": row["status"]}
            for row in db.query("select portal_id, status from installations")
        ], [
            row["portal_id"]
            for row in db.query("select portal_id from settings where key = ?", [CONNECTION])
        ]
    finally:
        db.close()


def test_connecting_installs_the_demo_portal_connects_tripletex_and_prints_its_id(stack):
    runner = stack.app.test_cli_runner()

    first = runner.invoke(args=["sandbox", "connect"])

    assert first.exit_code == 0, first.output
    assert first.output.strip() == "4000001"
    assert connections(stack) == ([{"portal_id": 4000001, "status": "active"}], [4000001])
    portal = stack.hubspot_sandbox.state.portals[4000001]
    assert portal.installed  # HubSpot knows the app is installed

    again = runner.invoke(args=["sandbox", "connect"])

    assert again.exit_code == 0 and again.output.strip() == "4000001"
    assert connections(stack) == ([{"portal_id": 4000001, "status": "active"}], [4000001])


def test_another_portal_can_be_named(stack):
    result = stack.app.test_cli_runner().invoke(args=["sandbox", "connect", "--portal", "4000002"])

    assert result.exit_code == 0 and result.output.strip() == "4000002"
    assert connections(stack)[1] == [4000002]


def test_without_the_sandboxes_running_it_says_so(tmp_path):
    nowhere = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "ENCRYPTION_KEY": TEST_KEY,
            "DATABASE": str(tmp_path / "app.sqlite3"),
            # Sandbox mode, with no HubSpot sandbox listening where it points.
            "HUBSPOT_APP_BASE": "http://127.0.0.1:9",
            "HUBSPOT_API_BASE": "http://127.0.0.1:9",
        }
    )

    result = nowhere.test_cli_runner().invoke(args=["sandbox", "connect"])

    assert result.exit_code != 0
    assert "Could not connect: the HubSpot sandbox did not answer" in result.output


def test_outside_sandbox_mode_it_refuses(tmp_path):
    real = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "ENCRYPTION_KEY": TEST_KEY,
            "DATABASE": str(tmp_path / "app.sqlite3"),
            "HUBSPOT_CLIENT_ID": "a-real-app",
        }
    )

    result = real.test_cli_runner().invoke(args=["sandbox", "connect"])

    assert result.exit_code != 0 and "only in sandbox mode" in result.output
