"""Run a WSGI app on a real loopback port for the length of a test."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def serving(app, host: str = "127.0.0.1", port: int = 0):
    """Serve `app` in a thread; yields its base URL (http://127.0.0.1:PORT)."""
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
