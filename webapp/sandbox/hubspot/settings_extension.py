"""Our settings extension (hubspot/src/app/settings/Settings.jsx) as HubSpot runs it: its words,
its signed call through HubSpot's proxy, and the state it shows for the answer.

The sandbox must not import the project, so the words are copied here; a test keeps them equal
to the JSX's.
"""

from __future__ import annotations

import re

from flask import current_app

from . import fetch
from .errors import ApiFailure
from .ui import app_target

TEXT = {
    "en": {
        "loading": "Connecting to Tripletex Sync…",
        "unreachable": "Tripletex Sync could not be reached",
        "retryLater": "Please try again in a moment.",
        "retry": "Try again",
        "intro": "Connect your Tripletex company and choose what to sync: customers and contacts, "
        "products, and deals to orders or invoices.",
        "open": "Open setup",
        "title": "Tripletex Sync setup",
        "badStatus": "The server answered {status}.",
        "badAnswer": "The server sent an unexpected answer.",
    },
    "nb": {
        "loading": "Kobler til Tripletex Sync …",
        "unreachable": "Fikk ikke kontakt med Tripletex Sync",
        "retryLater": "Prøv igjen om litt.",
        "retry": "Prøv igjen",
        "intro": "Koble til Tripletex-selskapet ditt og velg hva som skal synkroniseres: kunder og "
        "kontakter, produkter, og avtaler til ordrer eller fakturaer.",
        "open": "Åpne oppsettet",
        "title": "Oppsett av Tripletex Sync",
        "badStatus": "Serveren svarte {status}.",
        "badAnswer": "Serveren sendte et uventet svar.",
    },
}
# What Settings.jsx passes to actions.openIframeModal besides the URL and the title.
MODAL = {"width": 1000, "height": 760}


def text_for(locale: str) -> dict:
    """Pick the words as textFor does: Bokmål for nb, no and nn locales, else English."""
    return TEXT["nb"] if re.match(r"(nb|no|nn)\b", locale, re.IGNORECASE) else TEXT["en"]


def hubspot_fetch(spec: dict) -> dict:
    """Send a request as hubspot.fetch does; return what POST /_sandbox/fetch would answer."""
    # fetch.py keeps HubSpot's proxy (the v3 signature, the context in the query, one retry,
    # the limits) in that view, so the page calls the view rather than a copy of it.
    with current_app.test_request_context("/_sandbox/fetch", method="POST", json=spec):
        try:
            return current_app.make_response(fetch.fetch()).get_json()
        except ApiFailure as failure:
            return {"status": None, "error": failure.message}


def load_session(portal_id: int, user: dict, locale: str) -> dict:
    """Ask the app for a sign-in URL as loadSession does; return the state the page shows.

    `{"status": "ready", "url": ...}`, or `{"status": "error", "message": ...}` with the
    message the extension would put under "could not be reached".
    """
    base, t = app_target(), text_for(locale)
    reply = hubspot_fetch(
        {
            "portalId": portal_id,
            "userId": user["id"],
            "userEmail": user["email"],
            "method": "POST",
            "url": f"{base}/hubspot/settings/session",
            "body": {"locale": locale},
        }
    )
    if reply.get("status") is None:
        # hubspot.fetch rejects; the extension shows the rejection's own (English) message.
        return {"status": "error", "message": f"hubspot.fetch failed: {reply.get('error')}."}
    if not 200 <= reply["status"] < 300:
        return {"status": "error", "message": t["badStatus"].format(status=reply["status"])}
    body = reply.get("body")
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url.startswith(f"{base}/"):
        return {"status": "error", "message": t["badAnswer"]}
    return {"status": "ready", "url": url}
