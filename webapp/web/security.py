"""Response headers every page gets: who may frame us, and no sniffing."""
from flask import Flask, Response

# Our pages run in HubSpot's settings iframe, so HubSpot (and only HubSpot) may frame them.
FRAME_ANCESTORS = "'self' https://app.hubspot.com https://*.hubspot.com"


def init_app(app: Flask) -> None:
    @app.after_request
    def set_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; img-src 'self' data:; frame-ancestors {FRAME_ANCESTORS}")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.add("Vary", "HX-Request")
        return response
