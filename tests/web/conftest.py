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
