"""Run the sandbox: python -m webapp.sandbox.hubspot [--port 5001] [--demo] [--app-target URL]."""

from __future__ import annotations

import argparse

from ..serving import serve_until_stopped
from . import create_app
from .settings import PROJECT_WEBHOOKS


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve the sandbox, threaded, until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m webapp.sandbox.hubspot", description="A local HubSpot for Tripletex Sync."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--demo", action="store_true", help="seed the demo portals")
    parser.add_argument(
        "--app-target",
        default="http://127.0.0.1:5000",
        help="the app's base URL: OAuth redirect and webhook target derive from it",
    )
    parser.add_argument(
        "--webhooks-file",
        default=PROJECT_WEBHOOKS if PROJECT_WEBHOOKS.exists() else None,
        help="a webhooks-hsmeta.json whose subscriptions the app has "
        "(default: the project's, if it has one; else a built-in set)",
    )
    parser.add_argument(
        "--state-file",
        default=None,
        help="keep the world in this file between runs (read at start, written after changes)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="with --state-file: forget the saved world first"
    )
    args = parser.parse_args(argv)
    target = args.app_target.rstrip("/")
    app = create_app(
        {
            "app_target": target,
            "redirect_uris": [f"{target}/oauth/callback"],
            "webhook_target_url": f"{target}/hubspot/webhooks",
            "webhooks_file": args.webhooks_file,
            "demo": args.demo,
            "state_file": args.state_file,
            "fresh": args.fresh,
        }
    )
    serve_until_stopped(app, args.host, args.port, app.extensions["hubspot_sandbox"].saved)


if __name__ == "__main__":
    main()
