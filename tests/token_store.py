"""The HubSpot client's TokenStore protocol in memory, for client tests."""

import threading
from contextlib import contextmanager


class MemoryTokens:
    """Keeps one token, records every save, and counts refresh-lock acquisitions."""

    def __init__(self, token):
        self.token = token
        self.saved = []
        self.lock = threading.Lock()
        self.locked = 0

    def load(self):
        return self.token

    def save(self, token):
        self.token = token
        self.saved.append(token)

    @contextmanager
    def refresh_lock(self):
        with self.lock:
            self.locked += 1
            yield
