"""The whole stack over real HTTP for the install journey's tests (no browser)."""
import pytest
import requests


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
