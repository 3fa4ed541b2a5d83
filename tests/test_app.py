"""The web app as a visitor and an operator see it."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_KEY
from webapp.app import create_app
from webapp.db import connect
from webapp.storage.heartbeats import Heartbeats

ROOT = Path(__file__).resolve().parent.parent


def test_every_page_says_sandbox_mode(client):
    page = client.get("/").get_data(as_text=True)
    assert "Sandbox mode" in page


def test_production_pages_do_not_claim_sandbox_mode(tmp_path):
    from tests.conftest import TEST_KEY
    from webapp.app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 32,
            "ENCRYPTION_KEY": TEST_KEY,
            "DATABASE": str(tmp_path / "p.sqlite3"),
            "HUBSPOT_CLIENT_ID": "real-id",
            "HUBSPOT_CLIENT_SECRET": "real-secret",
        }
    )
    assert "Sandbox mode" not in app.test_client().get("/").get_data(as_text=True)


def test_home_shows_the_worker_as_not_started_then_running(app, client):
    assert "Not started yet" in client.get("/").get_data(as_text=True)
    db = connect(app.config["DATABASE"])
    Heartbeats(db).record("test-worker")
    db.close()
    page = client.get("/").get_data(as_text=True)
    assert "Running (last seen" in page


def test_health_check_reports_database_and_worker(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.json["status"] == "ok"
    assert reply.json["worker"] == {"running": False, "last_seen": None}


def test_pages_may_be_framed_by_hubspot_only(client):
    reply = client.get("/")
    csp = reply.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://app.hubspot.com https://*.hubspot.com" in csp
    assert "X-Frame-Options" not in reply.headers
    assert "HX-Request" in reply.headers["Vary"]


def test_htmx_is_vendored_with_its_version_and_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/htmx-4.0.1.min.js" in page
    assert "https://" not in page.split("<body", 1)[0]  # nothing from a CDN
    with client.get("/static/htmx-4.0.1.min.js") as script:
        assert script.status_code == 200


def test_unknown_pages_are_404_not_500(client):
    assert client.get("/no-such-page").status_code == 404


def _migration_names(path) -> list[str]:
    db = connect(str(path))
    try:
        return [row[0] for row in db.execute("select name from _sqlite_migrations order by rowid")]
    finally:
        db.close()


def test_migrate_reports_what_the_start_up_of_its_own_process_applied(app, runner):
    # The app fixture made a new database, so loading the app applied every migration.
    first = runner.invoke(args=["migrate"])
    names = _migration_names(app.config["DATABASE"])
    assert (first.exit_code, first.output) == (0, f"Applied: {', '.join(names)}\n")
    assert names and names[0] == "0001_initial"
    again = runner.invoke(args=["migrate"])
    assert (again.exit_code, again.output) == (0, "Database is up to date.\n")


def test_migrate_says_up_to_date_when_the_app_started_on_a_migrated_database(app):
    restarted = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "ENCRYPTION_KEY": TEST_KEY,
            "DATABASE": app.config["DATABASE"],
        }
    )
    result = restarted.test_cli_runner().invoke(args=["migrate"])
    assert (result.exit_code, result.output) == (0, "Database is up to date.\n")


def test_the_migrate_command_run_twice_on_a_new_instance_applies_then_finds_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TXSYNC_")}
    env["TXSYNC_INSTANCE_PATH"] = str(tmp_path / "instance")
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "migrate"]
    runs = [
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        for _ in range(2)
    ]
    names = _migration_names(tmp_path / "instance" / "txsync.sqlite3")
    assert [(run.returncode, run.stdout) for run in runs] == [
        (0, f"Applied: {', '.join(names)}\n"),
        (0, "Database is up to date.\n"),
    ]


def test_keys_generate_prints_a_usable_fernet_key(runner):
    from cryptography.fernet import Fernet

    key = runner.invoke(args=["keys", "generate"]).output.strip()
    Fernet(key)
