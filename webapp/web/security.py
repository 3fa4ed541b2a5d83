"""Response headers every page gets: who may frame us, and no sniffing."""

from urllib.parse import urlsplit

from flask import Flask, Response, abort, request

# Our pages run in HubSpot's settings iframe, so HubSpot (and only HubSpot) may frame them.
FRAME_ANCESTORS = "'self' https://app.hubspot.com https://*.hubspot.com"


def frame_ancestors(config: dict) -> str:
    """HubSpot's origins; in sandbox mode also the simulated HubSpot, which frames us alike."""
    if not config["SANDBOX_MODE"]:
        return FRAME_ANCESTORS
    parts = urlsplit(config["HUBSPOT_APP_BASE"])
    return f"{FRAME_ANCESTORS} {parts.scheme}://{parts.netloc}"


# htmx's settle step copies the `style` attribute of swapped elements that carry an id, even
# when it is empty; this hash of the empty string allows exactly that and no other inline style.
EMPTY_INLINE_STYLE = "'unsafe-hashes' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def init_app(app: Flask) -> None:
    policy = (
        f"default-src 'self'; img-src 'self' data:; style-src 'self' {EMPTY_INLINE_STYLE}; "
        f"frame-ancestors {frame_ancestors(app.config)}"
    )

    @app.before_request
    def refuse_large_bodies():
        # Werkzeug enforces MAX_CONTENT_LENGTH only when parsing forms; raw bodies (signed
        # JSON) are checked here, before anything reads them.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and (request.content_length or 0) > limit:
            abort(413)

    @app.after_request
    def set_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if request.endpoint != "static":
            # Pages hold a portal's details and may carry the session in their links.
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers.add("Vary", "HX-Request")
        return response
