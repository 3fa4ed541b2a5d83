"""What the sandbox's own HTML pages share: the app's address, their headers, their errors."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, render_template

from .gateway import sandbox


class PageProblem(Exception):
    """A page that cannot be shown; rendered as HTML, where the API would answer JSON."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def app_target() -> str:
    """Return the app's base URL: the app-target setting, else what its redirect URL implies."""
    settings = sandbox().settings
    if settings.get("app_target"):
        return settings["app_target"].rstrip("/")
    # Callers of create_app (the tests' stacks) describe the app by its redirect URL alone.
    return settings["redirect_uris"][0].removesuffix("/oauth/callback")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def short_name() -> str:
    """Return the app's name as sentences use it ("Open Tripletex Sync's settings")."""
    return sandbox().settings["app_name"].removesuffix(" for HubSpot")


def install_url() -> str:
    """Return where the app's install button points (HubSpot's Marketplace sends users there)."""
    return app_target() + "/install"


def html_pages(bp: Blueprint) -> None:
    """Make the blueprint's views sandbox pages: the app's names, tight headers, HTML errors."""

    @bp.context_processor
    def names():
        return {
            "app_name": sandbox().settings["app_name"],
            "short_name": short_name(),
            "install_url": install_url(),
        }

    @bp.after_request
    def headers(response):
        # Only the sandbox's own files load; only the app may appear in a frame (the modal).
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; img-src 'self' data:; frame-src {origin(app_target())}; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # The settings page holds a single-use sign-in URL; a cached copy would hold a dead one.
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @bp.errorhandler(PageProblem)
    def problem(exc: PageProblem):
        return render_template("hubspot_sandbox/problem.html", message=exc.message), exc.status
