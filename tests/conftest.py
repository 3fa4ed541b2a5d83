"""Shared fixtures, in the style of flaskr's conftest."""

import itertools
import os
import tempfile
from contextlib import ExitStack
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

# Before webapp is imported: tests must never touch the developer's instance folder (the
# worker's tests start `flask --app wsgi worker`, which reads it).
os.environ["TXSYNC_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="txsync-tests-")
for _key in [k for k in os.environ if k.startswith("TXSYNC_") and k != "TXSYNC_INSTANCE_PATH"]:
    del os.environ[_key]

import pytest  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

from webapp.app import create_app  # noqa: E402
from webapp.crypto import SecretBox  # noqa: E402
from webapp.db import connect, migrate  # noqa: E402

TEST_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """Reference data the sync keeps for minutes belongs to one test's sandboxes."""
    from webapp.sync.remembered import forget_all

    forget_all()
    yield
    forget_all()


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "ENCRYPTION_KEY": TEST_KEY,
            "DATABASE": str(tmp_path / "app.sqlite3"),
            "WTF_CSRF_ENABLED": True,
        }
    )
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


OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 11, 24, 12, 0, tzinfo=OSLO).timestamp()


class FakeClock:
    """A clock (webapp.timeutil.Clock's methods) that never waits: each sleep is recorded and
    moves both its monotonic time and its wall time on. It starts at noon, 24 Nov 2026, Oslo."""

    def __init__(self, epoch: float = START):
        self.epoch, self.elapsed, self.waits = epoch, 0.0, []

    def sleep(self, seconds):
        self.waits.append(round(seconds, 3))
        self.elapsed += seconds

    def monotonic(self):
        return 1000.0 + self.elapsed

    def time(self):
        return self.epoch + self.elapsed

    def now(self):
        return datetime.fromtimestamp(self.time(), timezone.utc)

    def today(self):
        return datetime.fromtimestamp(self.time(), OSLO).date()


@pytest.fixture
def sleeper():
    return FakeClock()


@pytest.fixture
def make_stack(tmp_path):
    """Start the app and both sandboxes on loopback (options: tests.stack.running_stack)."""
    from tests.stack import running_stack

    numbers = itertools.count()
    with ExitStack() as stacks:
        yield lambda **options: stacks.enter_context(
            running_stack(tmp_path / f"stack{next(numbers)}", **options)
        )


@pytest.fixture
def stack(make_stack):
    """The app, the HubSpot sandbox and the Tripletex sandbox over HTTP, with demo data."""
    return make_stack()
