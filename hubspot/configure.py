#!/usr/bin/env python3
"""Point this HubSpot project at your own deployment before `hs project upload`.

    python hubspot/configure.py https://sync.your-company.example \
        [--support-email support@your-company.example]

The base URL is the backend's public HTTPS address (TXSYNC_PUBLIC_BASE_URL). This rewrites
src/app/app-hsmeta.json (OAuth redirect URL, permitted fetch and iframe origins, support links),
the webhooks' target URL in src/app/webhooks/webhooks-hsmeta.json and the BASE constant of the
settings page. Standard library only; safe to run again.
"""

import argparse
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
APP_META = Path("src/app/app-hsmeta.json")
SETTINGS_ENTRY = Path("src/app/settings/Settings.jsx")
WEBHOOKS_META = Path("src/app/webhooks/webhooks-hsmeta.json")
WEBHOOKS_PATH = "/hubspot/webhooks"
BASE_LINE = re.compile(r'^const BASE = "[^"\n]*";$', re.MULTILINE)
REDIRECT_PATH = "/oauth/callback"


def normalise_base_url(value):
    """The origin HubSpot must reach: https, a real host name, no path, query or fragment."""
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme != "https":
        raise ValueError("the base URL must start with https:// (HubSpot calls only HTTPS URLs)")
    host = (parts.hostname or "").lower()
    if not host or "." not in host or host == "localhost" or host.endswith(".localhost"):
        raise ValueError("the base URL needs a public host name (HubSpot refuses localhost)")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("give only the origin, e.g. https://sync.example.com (no path or query)")
    return f"https://{parts.netloc.lower()}"


def configure(project_dir, base_url, support_email=None):
    base = normalise_base_url(base_url)
    project_dir = Path(project_dir)

    meta_path = project_dir / APP_META
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    config = meta["config"]
    config["auth"]["redirectUrls"] = [base + REDIRECT_PATH]
    config["permittedUrls"]["fetch"] = [base]
    config["permittedUrls"]["iframe"] = [base]
    support = config.setdefault("support", {})
    support["documentationUrl"] = base + "/"
    support["supportUrl"] = base + "/"
    if support_email:
        support["supportEmail"] = support_email
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    hooks_path = project_dir / WEBHOOKS_META
    hooks = json.loads(hooks_path.read_text(encoding="utf-8"))
    hooks["config"]["settings"]["targetUrl"] = base + WEBHOOKS_PATH
    hooks_path.write_text(json.dumps(hooks, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    entry_path = project_dir / SETTINGS_ENTRY
    source = entry_path.read_text(encoding="utf-8")
    source, count = BASE_LINE.subn(f'const BASE = "{base}";', source)
    if count != 1:
        raise ValueError(f'{entry_path}: expected one `const BASE = "…";` line, found {count}')
    entry_path.write_text(source, encoding="utf-8")
    return base


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "base_url", help="the backend's public HTTPS origin (TXSYNC_PUBLIC_BASE_URL)"
    )
    parser.add_argument("--support-email", help="the support address shown to installing users")
    parser.add_argument("--project-dir", default=str(HERE), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        base = configure(args.project_dir, args.base_url, args.support_email)
    except ValueError as exc:
        parser.exit(2, f"configure.py: {exc}\n")
    print(f"HubSpot project now points at {base} (redirect URL {base}{REDIRECT_PATH}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
