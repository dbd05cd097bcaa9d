"""A local HTTP server on a free loopback port, serving a handler class from a daemon thread."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LocalHttpServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


def huge_answer(status: int, size: int) -> tuple[type[BaseHTTPRequestHandler], list[int]]:
    """A handler answering every request with ``status`` and ``size`` bytes of JSON white space, and
    the bytes it has written (``[n]``): fewer than ``size`` when the client hung up before the end."""
    written = [0]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(size))
            self.end_headers()
            chunk = b" " * (1024 * 1024)
            try:
                while written[0] < size:
                    self.wfile.write(chunk)
                    written[0] += len(chunk)
            except OSError:
                pass  # the client hung up

        do_GET = do_POST = _answer

    return Handler, written
