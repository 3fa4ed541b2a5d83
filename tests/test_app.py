"""The web app as a visitor and an operator see it."""
from webapp.jobs.heartbeat import record_heartbeat


def test_every_page_says_sandbox_mode(client):
    page = client.get("/").get_data(as_text=True)
    assert "Sandbox mode" in page


def test_production_pages_do_not_claim_sandbox_mode(tmp_path):
    from tests.conftest import TEST_KEY
    from webapp import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "ENCRYPTION_KEY": TEST_KEY,
                      "DATABASE": str(tmp_path / "p.sqlite3"), "HUBSPOT_CLIENT_ID": "real-id",
                      "HUBSPOT_CLIENT_SECRET": "real-secret"})
    assert "Sandbox mode" not in app.test_client().get("/").get_data(as_text=True)


def test_home_shows_the_worker_as_not_started_then_running(app, client):
    assert "Not started yet" in client.get("/").get_data(as_text=True)
    record_heartbeat(app.config["DATABASE"], worker="test-worker")
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
    assert '/static/htmx-4.0.1.min.js' in page
    assert "https://" not in page.split("<body", 1)[0]     # nothing from a CDN
    with client.get("/static/htmx-4.0.1.min.js") as script:
        assert script.status_code == 200


def test_unknown_pages_are_404_not_500(client):
    assert client.get("/no-such-page").status_code == 404


def test_migrate_command_reports_an_up_to_date_database(runner):
    result = runner.invoke(args=["migrate"])
    assert "up to date" in result.output


def test_keys_generate_prints_a_usable_fernet_key(runner):
    from cryptography.fernet import Fernet
    key = runner.invoke(args=["keys", "generate"]).output.strip()
    Fernet(key)
