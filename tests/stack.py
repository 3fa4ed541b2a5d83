"""The product app and both sandboxes on real loopback ports, wired to each other's addresses."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from cryptography.fernet import Fernet
from flask import Flask, render_template_string, request

from tests.certs import self_signed, server_context
from tests.servers import LateApp, serving
from webapp.app import create_app
from webapp.devstack import WEBHOOKS_COMPONENT
from webapp.sandbox.hubspot import create_app as create_hubspot
from webapp.sandbox.tripletex import create_app as create_tripletex

POLL = 0.05  # seconds; a stack stops in a fraction of the default half second per server

PARENT_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Parent site</title>
<style>body{margin:0;font-family:sans-serif}header{padding:8px 16px;background:#2d3e50;color:#fff}
iframe{display:block;width:100%;height:calc(100vh - 40px);border:0}</style></head>
<body><header>Parent site (stands in for HubSpot's settings page)</header>
<iframe id="app-frame" title="embedded app" src="{{ src }}"></iframe></body>
</html>"""


@dataclass
class Stack:
    """Base URLs and Flask apps of one running stack.

    `tripletex_url` is the sandbox's root: the API is under `/v2`, its control API under
    `/_sandbox/`. `parent_url` is set only for HTTPS stacks.
    """

    app_url: str
    hubspot_url: str
    tripletex_url: str
    app: Flask
    hubspot: Flask
    tripletex: Flask
    parent_url: str | None = None
    ca_file: Path | None = None  # the HTTPS stack's self-signed certificate, to trust it

    @property
    def hubspot_sandbox(self):
        return self.hubspot.extensions["hubspot_sandbox"]

    @property
    def tripletex_sandbox(self):
        return self.tripletex.extensions["tripletex_sandbox"]

    def framed(self, url: str) -> str:
        """The parent site's page that shows `url` (absolute, or a path on the app) in an iframe."""
        if self.parent_url is None:
            raise RuntimeError("only an HTTPS stack (the https_stack fixture) has a parent site")
        if url.startswith("/"):
            url = self.app_url + url
        return f"{self.parent_url}/?{urlencode({'src': url})}"


def parent_site() -> Flask:
    """A page on another site that embeds the app, as HubSpot's settings page does."""
    parent = Flask("parent_site")

    @parent.get("/")
    def page():
        return render_template_string(PARENT_PAGE, src=request.args.get("src", "about:blank"))

    return parent


class FramedBy:
    """WSGI wrapper adding `origin` to the app's CSP frame-ancestors, beside HubSpot's origins.

    The product lets only HubSpot frame it; the parent site plays HubSpot's part, so it gets
    the same permission. The rest of the product's policy is passed on untouched.
    """

    def __init__(self, app, origin: str):
        self.app = app
        self.origin = origin

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers = [
                (name, self.extend(value) if name.lower() == "content-security-policy" else value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)

    def extend(self, policy: str) -> str:
        directives = [d.strip() for d in policy.split(";")]
        return "; ".join(
            f"{d} {self.origin}" if d.split(" ", 1)[0] == "frame-ancestors" else d
            for d in directives
        )


@contextmanager
def running_stack(
    folder: Path,
    *,
    https: bool = False,
    parent_may_frame: bool = True,
    app_config: dict | None = None,
    hubspot_settings: dict | None = None,
    tripletex_settings: dict | None = None,
):
    """Serve the sandboxes and the app, each told the others' addresses; yield a Stack.

    Every port is bound before the apps are built, so the URLs in their configuration are real.
    With `https` the app (and a parent site on https://localhost) use a self-signed certificate,
    and the parent site may frame the app unless `parent_may_frame` is false (then the
    product's own Content-Security-Policy decides). The other options extend the app's test
    config and the sandboxes' settings.
    """
    with ExitStack() as stack:
        cert = self_signed(folder / "tls") if https else None
        tls = server_context(*cert) if cert else None
        late = {name: LateApp() for name in ("app", "hubspot", "tripletex")}
        app_url = stack.enter_context(serving(late["app"], ssl_context=tls, poll_interval=POLL))
        hubspot_url = stack.enter_context(serving(late["hubspot"], poll_interval=POLL))
        tripletex_url = stack.enter_context(serving(late["tripletex"], poll_interval=POLL))
        parent_url = (
            stack.enter_context(
                serving(parent_site(), ssl_context=tls, url_host="localhost", poll_interval=POLL)
            )
            if https
            else None
        )

        hubspot = create_hubspot(
            {
                "demo": True,
                "redirect_uris": [f"{app_url}/oauth/callback"],
                "webhook_target_url": f"{app_url}/hubspot/webhooks",
                "webhooks_file": str(WEBHOOKS_COMPONENT),
                **(hubspot_settings or {}),
            }
        )
        tripletex = create_tripletex({"demo": True, **(tripletex_settings or {})})
        # HUBSPOT_CLIENT_ID stays empty: sandbox mode, whose client id, secret, app id and
        # consumer token (webapp/config.py) are the ones both sandboxes register by default.
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "browser-test-secret-key",
                "ENCRYPTION_KEY": Fernet.generate_key().decode(),
                "DATABASE": str(folder / "app.sqlite3"),
                "QUEUE_DATABASE": str(folder / "queue.sqlite3"),
                "PUBLIC_BASE_URL": app_url,
                "HUBSPOT_API_BASE": hubspot_url,
                "HUBSPOT_APP_BASE": hubspot_url,
                "TRIPLETEX_API_BASE": f"{tripletex_url}/v2",
                **(app_config or {}),
            }
        )
        late["app"].app = FramedBy(app, parent_url) if https and parent_may_frame else app
        late["hubspot"].app, late["tripletex"].app = hubspot, tripletex
        stack.callback(hubspot.extensions["hubspot_sandbox"].webhooks.clear)
        stack.callback(tripletex.extensions["tripletex_sandbox"].webhooks.clear)
        yield Stack(
            app_url,
            hubspot_url,
            tripletex_url,
            app,
            hubspot,
            tripletex,
            parent_url,
            cert[0] if cert else None,
        )
