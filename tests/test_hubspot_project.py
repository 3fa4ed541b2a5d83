"""The HubSpot developer project in hubspot/: valid config, same scopes as the backend,
URLs derived from one base URL, and configure.py rewriting them."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from webapp.portal.hubspot_app import OPTIONAL_SCOPES, REQUIRED_SCOPES
from webapp.sync import subscriptions
from webapp.sync.mapping import contact, customer, order, product
from webapp.sync.settings import SyncSettings

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "hubspot"
APP_META = PROJECT / "src" / "app" / "app-hsmeta.json"
SETTINGS_DIR = PROJECT / "src" / "app" / "settings"
PLACEHOLDER_BASE = "https://sync.example.com"


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def settings_base(source):
    found = re.findall(r'^const BASE = "([^"]*)";$', source, re.M)
    assert len(found) == 1
    return found[0]


def test_every_json_file_parses():
    files = sorted(p for p in PROJECT.rglob("*.json") if "node_modules" not in p.parts)
    assert PROJECT / "hsproject.json" in files
    assert APP_META in files
    for path in files:
        load(path)


def test_hsproject_names_src_and_a_current_platform_version():
    project = load(PROJECT / "hsproject.json")
    assert project["name"]
    assert project["srcDir"] == "src"
    assert project["platformVersion"] in ("2025.2", "2026.03")


def test_app_is_a_marketplace_oauth_app_pointed_at_the_base_url():
    meta = load(APP_META)
    assert meta["type"] == "app"
    assert meta["uid"]
    config = meta["config"]
    assert config["name"] and config["description"]
    assert config["distribution"] == "marketplace"
    assert config["auth"]["type"] == "oauth"
    assert config["auth"]["redirectUrls"] == [PLACEHOLDER_BASE + "/oauth/callback"]
    assert config["permittedUrls"]["fetch"] == [PLACEHOLDER_BASE]
    assert config["permittedUrls"]["iframe"] == [PLACEHOLDER_BASE]
    assert config["permittedUrls"]["img"] == []


def test_scopes_equal_the_backends():
    auth = load(APP_META)["config"]["auth"]
    assert auth["requiredScopes"] == list(REQUIRED_SCOPES)
    assert auth["optionalScopes"] == list(OPTIONAL_SCOPES)
    assert auth["conditionallyRequiredScopes"] == []
    assert "oauth" in auth["requiredScopes"]
    assert not set(auth["requiredScopes"]) & set(auth["optionalScopes"])


def test_settings_component_points_at_its_entry_which_asks_our_backend_for_a_session():
    (meta_path,) = SETTINGS_DIR.glob("*-hsmeta.json")
    meta = load(meta_path)
    assert meta["type"] == "settings"
    assert meta["uid"] != load(APP_META)["uid"]
    entry = PROJECT / "src" / meta["config"]["entrypoint"].lstrip("/")
    assert entry.is_file()
    source = entry.read_text(encoding="utf-8")
    assert "hubspot.extend(" in source
    assert "hubspot.fetch(" in source
    assert "/hubspot/settings/session" in source
    assert "openIframeModal(" in source
    assert settings_base(source) == PLACEHOLDER_BASE
    package = load(SETTINGS_DIR / "package.json")
    assert {"@hubspot/ui-extensions", "react"} <= set(package["dependencies"])
    lock = load(SETTINGS_DIR / "package-lock.json")
    assert lock["packages"][""]["dependencies"] == package["dependencies"]


@pytest.fixture
def project_copy(tmp_path):
    copy = tmp_path / "hubspot"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns("node_modules"))
    return copy


def run_configure(project_dir, *args):
    return subprocess.run(
        [sys.executable, str(project_dir / "configure.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_configure_rewrites_every_url_from_the_base(project_copy):
    result = run_configure(
        project_copy, "https://My-Host.example/", "--support-email", "help@my-host.example"
    )
    assert result.returncode == 0, result.stderr
    meta = load(project_copy / "src" / "app" / "app-hsmeta.json")
    config = meta["config"]
    assert config["auth"]["redirectUrls"] == ["https://my-host.example/oauth/callback"]
    assert config["permittedUrls"]["fetch"] == ["https://my-host.example"]
    assert config["permittedUrls"]["iframe"] == ["https://my-host.example"]
    assert config["support"]["supportEmail"] == "help@my-host.example"
    assert config["support"]["supportUrl"] == "https://my-host.example/"
    assert config["auth"]["requiredScopes"] == list(REQUIRED_SCOPES)
    entry = project_copy / "src" / "app" / "settings" / "Settings.jsx"
    assert settings_base(entry.read_text(encoding="utf-8")) == "https://my-host.example"
    # Nothing else changed, and the originals are untouched.
    original = load(APP_META)
    for key in ("uid", "type"):
        assert meta[key] == original[key]
    assert {k: v for k, v in config.items() if k not in ("auth", "permittedUrls", "support")} == {
        k: v for k, v in original["config"].items() if k not in ("auth", "permittedUrls", "support")
    }
    committed = (SETTINGS_DIR / "Settings.jsx").read_text(encoding="utf-8")
    assert settings_base(committed) == PLACEHOLDER_BASE
    hooks = load(project_copy / "src" / "app" / "webhooks" / "webhooks-hsmeta.json")
    assert hooks == subscriptions.document("https://my-host.example")


def test_the_webhooks_component_subscribes_to_every_property_the_sync_reads():
    """HubSpot has no wildcard: a property the mapping reads without a subscription of its own
    would change in HubSpot and never reach Tripletex until reconciliation."""
    hooks = load(PROJECT / "src" / "app" / "webhooks" / "webhooks-hsmeta.json")
    assert hooks == subscriptions.document(PLACEHOLDER_BASE)
    watched = {
        (s["objectType"], s["propertyName"])
        for s in hooks["config"]["subscriptions"]["crmObjects"]
        if s["subscriptionType"] == "object.propertyChange"
    }
    read = (
        {("company", p) for p in customer.properties(SyncSettings())}
        | {("contact", p) for p in contact.PROPERTIES}
        | {("product", p) for p in (*product.PROPERTIES, SyncSettings().product_number_property)}
        | {("deal", p) for p in order.DEAL_PROPERTIES}
        # A line item's currency is its deal's: the deal's own change says it.
        | {("line_item", p) for p in order.LINE_PROPERTIES if p != "hs_line_item_currency_code"}
    )
    assert watched == read
    lifecycle = {
        (s["objectType"], s["subscriptionType"])
        for s in hooks["config"]["subscriptions"]["crmObjects"]
        if s["subscriptionType"] != "object.propertyChange"
    }
    # Line items added to or taken off a deal arrive as the deal's association change.
    assert ("deal", "object.associationChange") in lifecycle
    assert ("deal", "object.deletion") in lifecycle
    assert hooks["config"]["subscriptions"]["hubEvents"] == [
        {"subscriptionType": "contact.privacyDeletion", "active": True}
    ]


def test_the_hubspot_sandbox_accepts_the_webhooks_component():
    """The sandbox checks a component as HubSpot's project validation would."""
    from webapp.sandbox.hubspot.subscriptions import from_hsmeta

    target, subs, concurrency = from_hsmeta(
        load(PROJECT / "src" / "app" / "webhooks" / "webhooks-hsmeta.json")
    )
    assert target == PLACEHOLDER_BASE + "/hubspot/webhooks" and concurrency == 10
    assert len(subs) == len(subscriptions.document()["config"]["subscriptions"]["crmObjects"]) + 1


def test_configure_on_the_placeholder_leaves_the_committed_files_byte_identical(project_copy):
    assert run_configure(project_copy, PLACEHOLDER_BASE).returncode == 0
    for relative in (
        "src/app/app-hsmeta.json",
        "src/app/settings/Settings.jsx",
        "src/app/webhooks/webhooks-hsmeta.json",
    ):
        assert (project_copy / relative).read_bytes() == (PROJECT / relative).read_bytes()


@pytest.mark.parametrize(
    "bad",
    [
        "http://sync.example.com",
        "https://localhost:5000",
        "https://sync.example.com/app",
        "https://sync.example.com?x=1",
        "sync.example.com",
    ],
)
def test_configure_refuses_what_hubspot_would_refuse(project_copy, bad):
    before = (project_copy / "src" / "app" / "app-hsmeta.json").read_bytes()
    result = run_configure(project_copy, bad)
    assert result.returncode == 2
    assert "configure.py:" in result.stderr
    assert (project_copy / "src" / "app" / "app-hsmeta.json").read_bytes() == before


def test_the_settings_page_type_checks_against_hubspots_ui_extension_types(tmp_path):
    # The packages come from the committed lockfile; nothing is uploaded anywhere.
    npm = shutil.which("npm")
    assert npm, "npm is needed to type-check hubspot/ (Node.js from Debian's packages)"
    work = tmp_path / "settings"
    shutil.copytree(
        ROOT / "hubspot" / "src" / "app" / "settings",
        work,
        ignore=shutil.ignore_patterns("node_modules"),
    )
    install = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    check = subprocess.run(
        [npm, "run", "--silent", "typecheck"], cwd=work, capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
