"""The whole stack over real HTTP for the install journey's tests (no browser)."""
import itertools
from contextlib import ExitStack

import pytest
import requests

from tests.browser.stack import running_stack


@pytest.fixture
def make_stack(tmp_path):
    numbers = itertools.count()
    with ExitStack() as stacks:
        yield lambda **options: stacks.enter_context(
            running_stack(tmp_path / f"stack{next(numbers)}", **options))


@pytest.fixture
def stack(make_stack):
    return make_stack()


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
