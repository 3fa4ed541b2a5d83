"""A loopback stand-in for a Redis server: it records each command a client sends.

Debian's redis-server is not installed where the tests run (and `make test` does not install
it), so this speaks just enough RESP for redis-py to connect, pick its database and push onto
a list: enough to see where, and into which database and key, a queue really writes.
"""

from __future__ import annotations

import socketserver
import threading
from contextlib import contextmanager

ANSWERS = {
    b"HELLO": b"%1\r\n$5\r\nproto\r\n:3\r\n",  # RESP3, which redis-py asks for first
    b"CLIENT": b"+OK\r\n",
    b"SELECT": b"+OK\r\n",
    b"PING": b"+PONG\r\n",
    b"LPUSH": b":1\r\n",
}


class _Connection(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        while command := self._read_command():
            self.server.commands.append(command)
            self.wfile.write(ANSWERS.get(command[0].upper(), b"-ERR unknown command\r\n"))

    def _read_command(self) -> list[bytes] | None:
        header = self.rfile.readline()
        if not header.startswith(b"*"):
            return None  # the client hung up
        parts = []
        for _ in range(int(header[1:])):
            length = int(self.rfile.readline()[1:])
            parts.append(self.rfile.read(length + 2)[:-2])
        return parts


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Connection)
        self.commands: list[list[bytes]] = []


@contextmanager
def redis_stand_in():
    """Listen on a loopback port; yield the server (`server_address`, `commands`)."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
