"""Run a WSGI app on a real loopback port for the length of a test."""

from __future__ import annotations

import ssl
import threading
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server

ANSWER = "tests.servers.answer"


class KeepsItsAnswer:
    """Leave the app's answer (an iterable) in the environ, for ClosesOnDrop."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        environ[ANSWER] = answer = self.app(environ, start_response)
        return answer


class ClosesOnDrop(WSGIRequestHandler):
    """Close the answer when the browser drops the connection (e.g. navigating away while a
    script loads). Werkzeug's dev server then skips closing it, so a file being sent stays
    open, and the test fails on its ResourceWarning though nothing is wrong with the app."""

    def connection_dropped(self, error, environ=None):
        answer = (environ or {}).get(ANSWER)
        if hasattr(answer, "close"):
            answer.close()
        super().connection_dropped(error, environ)


@contextmanager
def serving(
    app,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    ssl_context: ssl.SSLContext | None = None,
    url_host: str | None = None,
    poll_interval: float = 0.5,
):
    """Serve `app` in a thread; yields its base URL (http://127.0.0.1:PORT).

    With `ssl_context` the URL is https://. `url_host` names the host in the URL when it
    differs from the address bound, e.g. "localhost" for a different site on 127.0.0.1.
    Stopping waits for the server's next poll, up to `poll_interval` seconds.
    """
    server = make_server(
        host,
        port,
        KeepsItsAnswer(app),
        threaded=True,
        ssl_context=ssl_context,
        request_handler=ClosesOnDrop,
    )
    thread = threading.Thread(target=server.serve_forever, args=(poll_interval,), daemon=True)
    thread.start()
    scheme = "https" if ssl_context else "http"
    try:
        yield f"{scheme}://{url_host or host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


class LateApp:
    """A WSGI app to serve before the real one exists, so the real one can be built with its URL.

    Binding first and building second means no other process can take the port in between.
    """

    def __init__(self):
        self.app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"not started yet"]
        return self.app(environ, start_response)


class InFlight:
    """WSGI middleware counting the requests the wrapped app is handling at once."""

    def __init__(self, app):
        self.app, self.now, self.most = app, 0, 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.now += 1
            self.most = max(self.most, self.now)
            self.changed.notify_all()
        try:
            return self.app(environ, start_response)
        finally:
            with self.changed:
                self.now -= 1
                self.changed.notify_all()

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        """Wait until `count` requests are being handled at once."""
        with self.changed:
            return self.changed.wait_for(lambda: self.now >= count, timeout)
