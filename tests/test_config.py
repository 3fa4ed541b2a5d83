"""Configuration: precedence, sandbox mode, refusal of unsafe production settings."""

import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from webapp.app import create_app
from webapp.config import DEFAULTS, ENV_PREFIX, UnsafeConfig, load_config

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    f"{ENV_PREFIX}HUBSPOT_CLIENT_ID": "real-client-id",
    f"{ENV_PREFIX}HUBSPOT_CLIENT_SECRET": "real-client-secret",
    f"{ENV_PREFIX}SECRET_KEY": "a-long-random-secret-key-for-tests",
    f"{ENV_PREFIX}ENCRYPTION_KEY": Fernet.generate_key().decode(),
    f"{ENV_PREFIX}PUBLIC_BASE_URL": "https://sync.example.no",
}


def test_readme_config_table_lists_exactly_the_keys_in_the_code():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `" + ENV_PREFIX + r"([A-Z_]+)`", section, re.M))
    assert documented == set(DEFAULTS) | {"INSTANCE_PATH"}


def test_no_client_id_means_sandbox_mode_with_local_services(tmp_path):
    config = load_config(tmp_path, environ={})
    assert config["SANDBOX_MODE"] is True
    assert config["HUBSPOT_API_BASE"] == "http://127.0.0.1:5001"
    assert config["HUBSPOT_APP_BASE"] == "http://127.0.0.1:5001"
    assert config["TRIPLETEX_API_BASE"] == "http://127.0.0.1:5002/v2"
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


def test_sandbox_mode_keeps_its_generated_keys_across_restarts(tmp_path):
    first = load_config(tmp_path, environ={})
    second = load_config(tmp_path, environ={})
    assert first["ENCRYPTION_KEY"] == second["ENCRYPTION_KEY"]
    Fernet(first["ENCRYPTION_KEY"])
    assert (tmp_path / "sandbox-encryption-key").stat().st_mode & 0o077 == 0


def test_production_uses_the_real_services_by_default(tmp_path):
    config = load_config(tmp_path, environ=PRODUCTION)
    assert config["SANDBOX_MODE"] is False
    assert config["HUBSPOT_API_BASE"] == "https://api.hubapi.com"
    assert config["TRIPLETEX_API_BASE"] == "https://tripletex.no/v2"
    assert config["HUBSPOT_API_VERSION"] == "2026-03"


def test_tripletex_test_environment_is_one_setting_away(tmp_path):
    env = dict(
        PRODUCTION, **{f"{ENV_PREFIX}TRIPLETEX_API_BASE": "https://api-test.tripletex.tech/v2/"}
    )
    assert (
        load_config(tmp_path, environ=env)["TRIPLETEX_API_BASE"]
        == "https://api-test.tripletex.tech/v2"
    )


@pytest.mark.parametrize(
    "key, value, complaint",
    [
        ("SECRET_KEY", "dev-only-not-secret", "SECRET_KEY"),
        ("SECRET_KEY", "", "SECRET_KEY"),
        ("ENCRYPTION_KEY", "", "ENCRYPTION_KEY"),
        ("ENCRYPTION_KEY", "not-a-fernet-key", "not a valid Fernet key"),
        ("PUBLIC_BASE_URL", "http://sync.example.no", "https://"),
    ],
)
def test_unsafe_production_config_is_refused(tmp_path, key, value, complaint):
    env = dict(PRODUCTION, **{f"{ENV_PREFIX}{key}": value})
    with pytest.raises(UnsafeConfig, match=complaint):
        load_config(tmp_path, environ=env)


def test_app_factory_refuses_to_start_unsafely(monkeypatch):
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv(f"{ENV_PREFIX}ENCRYPTION_KEY")
    with pytest.raises(UnsafeConfig):
        create_app()


def test_precedence_is_defaults_then_instance_file_then_environment_then_tests(tmp_path):
    (tmp_path / "config.py").write_text(
        "HTTP_TIMEOUT = 11.0\nLOG_LEVEL = 'WARNING'\nHUBSPOT_API_VERSION = '2025-09'\n"
        "NOT_A_SETTING = 1\n"
    )
    env = {
        f"{ENV_PREFIX}LOG_LEVEL": "ERROR",
        f"{ENV_PREFIX}HTTP_MAX_ATTEMPTS": "3",
        f"{ENV_PREFIX}HUBSPOT_API_VERSION": "2026-09",
    }
    config = load_config(tmp_path, {"HUBSPOT_API_VERSION": "2026-03"}, environ=env)
    assert config["HTTP_TIMEOUT"] == 11.0  # instance file over default
    assert config["LOG_LEVEL"] == "ERROR"  # environment over instance file
    assert config["HTTP_MAX_ATTEMPTS"] == 3  # typed from the environment
    assert config["HUBSPOT_API_VERSION"] == "2026-03"  # test override over all
    assert "NOT_A_SETTING" not in config


def test_the_app_never_reads_the_shared_reference_folder():
    sources = "\n".join(p.read_text() for p in (ROOT / "webapp").rglob("*.py"))
    assert "shared/specs" not in sources and "../shared" not in sources
