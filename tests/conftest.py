"""Shared fixtures, in the style of flaskr's conftest."""
import itertools
import os
import tempfile
from contextlib import ExitStack

# Before webapp is imported: the worker's queue module reads config at import time,
# and tests must never touch the developer's instance folder.
os.environ["TXSYNC_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="txsync-tests-")
for _key in [k for k in os.environ if k.startswith("TXSYNC_") and k != "TXSYNC_INSTANCE_PATH"]:
    del os.environ[_key]

import pytest  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.crypto import SecretBox  # noqa: E402
from webapp.db import connect, migrate  # noqa: E402

TEST_KEY = Fernet.generate_key().decode()


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "ENCRYPTION_KEY": TEST_KEY,
        "DATABASE": str(tmp_path / "app.sqlite3"),
        "WTF_CSRF_ENABLED": True,
    })
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def fresh_db():
    db = connect(":memory:")
    migrate(db)
    yield db
    db.close()


@pytest.fixture
def box():
    return SecretBox(TEST_KEY)


class Sleeper:
    """Records waits instead of waiting, and moves a fake monotonic clock."""

    def __init__(self):
        self.now = 1000.0
        self.waits = []

    def sleep(self, seconds):
        self.waits.append(round(seconds, 3))
        self.now += seconds

    def monotonic(self):
        return self.now


@pytest.fixture
def sleeper():
    return Sleeper()


@pytest.fixture
def make_stack(tmp_path):
    """Start the app and both sandboxes on loopback (options: tests.stack.running_stack)."""
    from tests.stack import running_stack
    numbers = itertools.count()
    with ExitStack() as stacks:
        yield lambda **options: stacks.enter_context(
            running_stack(tmp_path / f"stack{next(numbers)}", **options))


@pytest.fixture
def stack(make_stack):
    """The app, the HubSpot sandbox and the Tripletex sandbox over HTTP, with demo data."""
    return make_stack()
