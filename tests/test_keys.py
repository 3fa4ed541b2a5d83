"""Key rotation: `flask --app wsgi keys rotate` moves every secret to the newest key."""

from cryptography.fernet import Fernet

from webapp.app import create_app
from webapp.crypto import SecretBox
from webapp.db import connect
from webapp.storage.credentials import HUBSPOT_OAUTH, TRIPLETEX_EMPLOYEE, Credentials

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def app_with(keys: str, database: str):
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test", "ENCRYPTION_KEY": keys, "DATABASE": database}
    )


def stored_secrets(tmp_path, box: SecretBox) -> str:
    path = str(tmp_path / "keys.sqlite3")
    app_with(OLD, path)  # migrates the new database
    db = connect(path)
    for portal in (4000001, 4000002):
        db["installations"].insert(
            {
                "portal_id": portal,
                "status": "active",
                "installed_at": "2026-12-01T00:00:00+00:00",
                "updated_at": "2026-12-01T00:00:00+00:00",
            }
        )
        Credentials(db, box).put(portal, TRIPLETEX_EMPLOYEE, f"employee-{portal}")
        Credentials(db, box).put(portal, HUBSPOT_OAUTH, {"access_token": f"a-{portal}"})
    db.close()
    return path


def secrets_readable_with(path: str, keys: str) -> dict:
    db = connect(path)
    try:
        credentials = Credentials(db, SecretBox(keys))
        return {
            (r["portal_id"], r["kind"]): credentials.get(r["portal_id"], r["kind"])
            for r in db.query("select portal_id, kind from credentials")
        }
    finally:
        db.close()


def test_rotation_re_encrypts_every_secret_so_the_old_key_can_go(tmp_path):
    path = stored_secrets(tmp_path, SecretBox(OLD))

    result = app_with(f"{NEW},{OLD}", path).test_cli_runner().invoke(args=["keys", "rotate"])

    assert result.exit_code == 0, result.output
    assert "Re-encrypted 4 secrets" in result.output
    assert secrets_readable_with(path, NEW) == {
        (4000001, TRIPLETEX_EMPLOYEE): "employee-4000001",
        (4000001, HUBSPOT_OAUTH): {"access_token": "a-4000001"},
        (4000002, TRIPLETEX_EMPLOYEE): "employee-4000002",
        (4000002, HUBSPOT_OAUTH): {"access_token": "a-4000002"},
    }


def test_a_secret_no_configured_key_opens_stops_the_rotation_and_changes_nothing(tmp_path):
    path = stored_secrets(tmp_path, SecretBox(OLD))
    stranger = Fernet.generate_key().decode()
    db = connect(path)
    Credentials(db, SecretBox(stranger)).put(4000002, "tripletex_session", {"token": "s"})
    before = list(db.query("select * from credentials order by portal_id, kind"))
    db.close()

    result = app_with(f"{NEW},{OLD}", path).test_cli_runner().invoke(args=["keys", "rotate"])

    assert result.exit_code != 0
    assert "nothing was changed" in result.output
    db = connect(path)
    assert list(db.query("select * from credentials order by portal_id, kind")) == before
    db.close()
