"""This request's collaborators (webapp.collaborators), made once per request.

Every page is something a person waits for, so its clients get short calls and one deadline
for all of them (TXSYNC_HTTP_INTERACTIVE_DEADLINE), and its lock waits are short.
"""

from __future__ import annotations

from flask import current_app, g

from ..collaborators import Collaborators
from ..db import get_db


def collaborators() -> Collaborators:
    """The collaborators of this request, on its database connection."""
    if "collaborators" not in g:
        app = current_app
        base = Collaborators(
            app.config, get_db(), app.extensions["secret_box"], app.extensions["clock"]
        )
        g.collaborators = base.while_person_waits(app.config["HTTP_INTERACTIVE_DEADLINE"])
    return g.collaborators
