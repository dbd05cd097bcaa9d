"""A real ``arc serve`` for the session, started from the repository's build (``make build``), and
small local servers that misbehave in the ways the SDK must survive."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "packages" / "server" / "dist" / "cli" / "main.js"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class ArcServer:
    url: str
    admin_key: str

    def request(self, method: str, path: str, body: Any = None, key: str | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=data,
            headers={"authorization": f"Bearer {key or self.admin_key}", "content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def key(self, *scopes: str) -> str:
        status, body = self.request("POST", "/v1/keys", {"name": f"pytest-{secrets.token_hex(4)}", "scopes": list(scopes)})
        assert status == 201, body
        key: str = body["key"]
        return key

    def patterns(self, function: str) -> list[dict[str, Any]]:
        status, body = self.request("GET", f"/v1/patterns?function={urllib.parse.quote(function, safe='')}")
        assert status == 200, body
        patterns: list[dict[str, Any]] = body["patterns"]
        return patterns

    def deploy(self, function: str, fix: dict[str, Any]) -> str:
        """Proposes ``fix`` for the function's first pattern and approves it; returns the fix id."""
        patterns = self.patterns(function)
        assert patterns, f"no pattern of {function} yet"
        status, approval = self.request("POST", f"/v1/patterns/{patterns[0]['id']}/fixes", {"fix": fix})
        assert status == 201, approval
        status, body = self.request("POST", f"/v1/approvals/{approval['id']}/approve", {})
        assert status == 200, body
        fix_id: str = approval["result"]["candidateId"]
        return fix_id

    def set_canary_share(self, share: float) -> None:
        status, body = self.request("PUT", "/v1/learning/config", {"canaryShare": share})
        assert status == 200, body


def _wait_ready(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"arc serve exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("arc serve did not become ready in time")


@contextlib.contextmanager
def running_arc_server() -> Iterator[ArcServer]:
    """``arc serve`` from the build over a fresh SQLite file on a free port, until the block ends."""
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: build the repository first (make build)")
    admin_key = f"arc_{secrets.token_urlsafe(24)}"
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="arc-pytest-") as folder:
        log = open(Path(folder) / "serve.log", "wb")
        process = subprocess.Popen(
            ["node", str(CLI), "serve", "--db", str(Path(folder) / "arc.db"), "--port", str(port), "--log-level", "warn"],
            cwd=REPO,
            env={**os.environ, "ARC_ADMIN_KEY": admin_key},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_ready(url, process, time.monotonic() + 120)
            yield ArcServer(url, admin_key)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


@pytest.fixture(scope="session")
def arc_server() -> Iterator[ArcServer]:
    with running_arc_server() as server:
        yield server


@pytest.fixture
def ingest_key(arc_server: ArcServer) -> str:
    return arc_server.key("ingest", "read")


class Misbehaving:
    """A local TCP server that answers every connection the same bad way."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests = 0
        # "METHOD /path" of each request read (the query left off), to tell the SDK's threads apart.
        self.request_lines: list[str] = []
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._server.accept()
            except OSError:
                return
            self.requests += 1
            if self.mode == "hang":
                self._held.append(connection)  # accepted, read from never, answered never
                continue
            try:
                connection.settimeout(5)
                head = connection.recv(65536)
                self.request_lines.append(" ".join(head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[:2]).split("?")[0])
                connection.sendall(self._answer())
            except OSError:
                pass
            finally:
                connection.close()

    def _answer(self) -> bytes:
        if self.mode == "garbage":
            return b"\x00\xffthis is not HTTP\r\n\r\n\x13\x37"
        if self.mode == "500":
            body = b'{"error":"boom"}'
            return b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
        if self.mode == "429":
            body = b'{"error":"slow down"}'
            return b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 120\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
        if self.mode == "503":
            body = b'{"error":"Storage unavailable: retry later"}'
            return b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 120\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
        if self.mode == "bad-json":
            body = b"{not json"
            return b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
        raise AssertionError(self.mode)

    def close(self) -> None:
        self._stopped.set()
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the serving thread
        except OSError:
            pass
        self._server.close()
        self._thread.join(10)
        for connection in self._held:
            connection.close()


@pytest.fixture
def misbehaving() -> Iterator[Any]:
    made: list[Misbehaving] = []

    def make(mode: str) -> Misbehaving:
        server = Misbehaving(mode)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


def wait_until(condition: Any, timeout: float = 30.0, what: str = "condition") -> None:
    """Waits on a real condition (never a fixed sleep), failing after a generous bound."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
