"""Run the Tripletex sandbox: python -m webapp.sandbox.tripletex [--port 5002] [--demo]."""

from __future__ import annotations

import argparse

from ..serving import serve_until_stopped
from . import create_app
from .demo import ACCOUNTANT_TOKEN, DEMO_TOKENS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5002)
    parser.add_argument("--demo", action="store_true", help="seed the demo companies")
    parser.add_argument(
        "--state-file",
        default=None,
        help="keep the world in this file between runs (read at start, written after changes)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="with --state-file: forget the saved world first"
    )
    args = parser.parse_args(argv)
    app = create_app({"demo": args.demo, "state_file": args.state_file, "fresh": args.fresh})
    state = app.extensions["tripletex_sandbox"]
    print(
        f"Tripletex sandbox on http://{args.host}:{args.port}/v2 "
        f"(control API: http://{args.host}:{args.port}/_sandbox/)"
    )
    print(f"  consumer token:   {state.settings['consumer_token']}")
    print(f"  application name: {state.settings['application_name']}")
    if args.demo:
        for label, token in DEMO_TOKENS.items():
            print(f"  employee token ({label}): {token}")
        print(f"  employee token (accountant, two client companies): {ACCOUNTANT_TOKEN}")
    serve_until_stopped(app, args.host, args.port, state.saved)


if __name__ == "__main__":
    main()
