"""A local HTTP proxy in front of a real ``arc serve`` that keeps every request and answer it passes on,
so a test can read exactly what went over the wire (and the server still answers as it does)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx

from .local_http import LocalHttpServer

# Hop-by-hop and length headers are the proxy's own business on each side.
_NOT_FORWARDED = frozenset({"host", "content-length", "connection", "transfer-encoding", "keep-alive"})


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    """With its query string, as sent."""
    body: bytes
    status: int
    answer: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def answer_json(self) -> Any:
        return json.loads(self.answer)


class RecordingProxy:
    def __init__(self, target: str) -> None:
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        upstream = httpx.Client(base_url=target, timeout=60.0)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _NOT_FORWARDED}
                response = upstream.request(self.command, self.path, content=body, headers=headers)
                answer = response.content
                with outer._lock:
                    outer.exchanges.append(Exchange(self.command, self.path, body, response.status_code, answer))
                self.send_response(response.status_code)
                for key, value in response.headers.items():
                    if key.lower() not in _NOT_FORWARDED and key.lower() != "content-encoding":
                        self.send_header(key, value)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = do_PUT = _forward

        self._upstream = upstream
        self._http = LocalHttpServer(Handler)
        self.url = self._http.url

    def sent(self, path_prefix: str) -> list[Exchange]:
        """The exchanges whose path starts with ``path_prefix``, in the order they were answered."""
        with self._lock:
            return [e for e in self.exchanges if e.path.startswith(path_prefix)]

    def wire_text(self) -> str:
        """Everything the clients sent (paths and bodies), as one text to search."""
        with self._lock:
            return "\n".join(f"{e.method} {e.path}\n{e.body.decode('utf-8', 'replace')}" for e in self.exchanges)

    def close(self) -> None:
        self._http.close()
        self._upstream.close()
