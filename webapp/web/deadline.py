"""One deadline for all the calls a page makes to HubSpot and Tripletex while a person waits."""
from __future__ import annotations

from flask import current_app, g

from ..collaborators import interactive
from ..clients.http import Deadline


def interactive_config() -> dict:
    """This request's configuration for clients: short calls, and one deadline shared by all."""
    if "interactive_config" not in g:
        g.interactive_config = interactive(
            current_app.config, Deadline(current_app.config["HTTP_INTERACTIVE_DEADLINE"]))
    return g.interactive_config
