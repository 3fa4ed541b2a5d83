"""The whole stack over real HTTP for the install journey's tests (no browser), and an
in-process signed-in client for view tests that need neither HubSpot nor Tripletex."""

import pytest
import requests

from tests.auth import AuthActions


@pytest.fixture
def browser():
    """A cookie-keeping HTTP client standing in for a browser without JavaScript."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def db(stack):
    from webapp.db import connect

    database = connect(stack.app.config["DATABASE"])
    yield database
    database.close()


@pytest.fixture
def db_for():
    """The database of a stack made with make_stack."""
    from webapp.db import connect

    opened = []

    def open_for(stack):
        opened.append(connect(stack.app.config["DATABASE"]))
        return opened[-1]

    yield open_for
    for database in opened:
        database.close()


@pytest.fixture
def collab(stack, db):
    """The stack app's collaborators on the test's own connection (as the worker has them)."""
    from webapp.collaborators import Collaborators

    return Collaborators(stack.app.config, db, stack.app.extensions["secret_box"])


@pytest.fixture
def auth(app, client):
    """Install, connect and sign the test client in without servers (tests.auth)."""
    # Nothing listens on port 9: a view that calls out fails loudly instead of reaching the
    # sandboxes of a developer's `make run` on 5001 and 5002.
    app.config.update(
        HUBSPOT_API_BASE="http://127.0.0.1:9", TRIPLETEX_API_BASE="http://127.0.0.1:9/v2"
    )
    return AuthActions(app, client)
