"""Sign a Flask test client in for an installed portal, in process (flaskr's AuthActions).

View tests that need no HubSpot or Tripletex use this instead of the whole stack: the
installation and the Tripletex link are written through the product's own storage, and the
session is the one webapp.web.auth.sign_in makes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.journey import DEMO_PORTAL, csrf_token, text_of
from webapp.collaborators import Collaborators
from webapp.db import connect
from webapp.portal.connection_check import CheckItem
from webapp.portal.hubspot_app import OPTIONAL_SCOPES, REQUIRED_SCOPES
from webapp.portal.tripletex_connect import Connected
from webapp.portal.tripletex_link import TripletexLink

# The demo portal as the HubSpot sandbox describes it, and the user who installs it.
INSTALLER = {"user_id": 7000001, "user_email": "kari.admin@nordisk-demo.no"}
NORDISK = {
    "hub_domain": "nordisk-demo.no",
    "portal_name": "Nordisk Demo AS",
    **INSTALLER,
    "scopes": REQUIRED_SCOPES + OPTIONAL_SCOPES,
}
# The company demo-employee-token reaches in the Tripletex sandbox.
NORDVIK = {"id": 10450001, "name": "Nordvik Demo AS", "organizationNumber": "858813999"}
KARI = {"firstName": "Kari", "lastName": "Nordmann", "email": "kari@10450001.example"}


class AuthActions:
    """Install a portal, connect its Tripletex and sign the test client in, without servers."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    @contextmanager
    def collaborators(self) -> Iterator[Collaborators]:
        """The app's collaborators on a connection of the test's own."""
        db = connect(self.app.config["DATABASE"])
        try:
            yield Collaborators(
                self.app.config, db, self.app.extensions["secret_box"], self.app.extensions["clock"]
            )
        finally:
            db.close()

    def install(self, portal_id: int = DEMO_PORTAL, **details) -> dict:
        """Record the installation as the OAuth callback does; `details` override Nordisk's."""
        with self.collaborators() as c:
            return c.installations.record_install(portal_id, **(NORDISK | details))

    def sign_in(
        self,
        portal_id: int = DEMO_PORTAL,
        *,
        user_id: int = INSTALLER["user_id"],
        user_email: str = INSTALLER["user_email"],
    ) -> dict:
        """Sign the client in for the portal (installing it first if needed), as sign_in does."""
        with self.collaborators() as c:
            installation = c.installations.get(portal_id)
        installation = installation or self.install(portal_id)
        with self.client.session_transaction() as session:
            session.clear()
            session.update(
                portal_id=portal_id,
                user_id=user_id,
                user_email=user_email,
                epoch=installation["session_epoch"],
            )
        return installation

    def sign_out(self) -> None:
        with self.client.session_transaction() as session:
            session.clear()

    def connect_tripletex(self, portal_id: int = DEMO_PORTAL, *, check_ok: bool = True) -> None:
        """Store the link a working token leaves (Nordvik Demo AS), its check passed or not."""
        check = [CheckItem("bank_account", check_ok), CheckItem("vat_types", True)]
        with self.collaborators() as c:
            TripletexLink(c).store(
                portal_id, "stored-employee-token", Connected(0, NORDVIK, KARI, check=check)
            )

    def post(self, path: str, data: dict, page=None):
        """Send a form of the page at `page` (a response; else `path` is fetched first), with
        its CSRF token, as a browser without JavaScript does."""
        page = page if page is not None else self.client.get(path)
        return self.client.post(path, data=dict(data, csrf_token=csrf_token(page.text)))


def shown(response) -> str:
    """The visible text of a test client's page, as tests.journey.text_of reads it."""
    return text_of(response.text)
