"""A real ``arc serve`` (the built CLI, over a fresh SQLite file) for the trainer plug-ins' tests,
and what they share: keys, ingesting failures, ``arc export`` through the real CLI, and a chat
tokenizer built locally (nothing is downloaded from a model hub)."""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "packages" / "server" / "dist" / "cli" / "main.js"


@dataclass
class ArcServer:
    url: str
    admin_key: str

    def call(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        response = httpx.request(
            method,
            f"{self.url}{path}",
            json=body,
            headers={"authorization": f"Bearer {key or self.admin_key}"},
            timeout=30,
        )
        assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def new_key(self, *scopes: str) -> str:
        return str(self.call("POST", "/v1/keys", {"name": f"test {secrets.token_hex(4)}", "scopes": list(scopes)})["key"])

    def ingest(self, events: list[dict[str, Any]]) -> list[str]:
        """Stores the events; the pattern ids they touched, in first-appearance order."""
        answer = self.call("POST", "/v1/events", {"events": events})
        return [p["id"] for p in answer["patterns"]]

    def export(self, fmt: str, out: Path, *extra: str) -> Path:
        """``arc export`` through the real CLI, as a user runs it."""
        subprocess.run(
            ["node", str(CLI), "export", "--format", fmt, "--out", str(out), *extra],
            check=True,
            env={**os.environ, "ARC_URL": self.url, "ARC_ADMIN_KEY": self.admin_key},
            timeout=120,
        )
        return out

    def trainer_curriculum(self) -> dict[str, Any]:
        return dict(self.call("GET", "/v1/curriculum?curriculum=trainer"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def arc_server(tmp_path: Path) -> Iterator[ArcServer]:
    """A fresh server per test: each test's curriculum starts from Q = 0."""
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: run `npm run build` first (make test-trainers does)")
    port = _free_port()
    admin_key = f"arc_{secrets.token_urlsafe(24)}"
    log = (tmp_path / "arc-serve.log").open("w")
    process = subprocess.Popen(
        ["node", str(CLI), "serve", "--port", str(port), "--db", str(tmp_path / "arc.db"), "--admin-key", admin_key],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).is_success:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"arc serve did not start: {(tmp_path / 'arc-serve.log').read_text()}")
            time.sleep(0.1)
        yield ArcServer(url, admin_key)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def failures(function: str, error_type: str, message: str, inputs: list[Any]) -> list[dict[str, Any]]:
    return [
        {"kind": "failure", "function": function, "error": {"type": error_type, "message": message}, "input": [i]}
        for i in inputs
    ]


@pytest.fixture()
def three_patterns(arc_server: ArcServer) -> list[str]:
    """Failures of three patterns (4, 3 and 2 problems) and two successes of one function."""
    ids = arc_server.ingest(
        failures("solve", "ParseError", "no JSON in answer", [f"Add {i} and {i + 1}." for i in range(4)])
        + failures("solve", "TimeoutError", "took too long", [f"Multiply {i} by 3." for i in range(3)])
        + failures("lookup", "KeyError", "unknown city", ["Paris?", "Oslo?"])
        + [{"kind": "success", "function": "solve", "input": [f"Subtract {i} from 9."], "output": "ok"} for i in range(2)]
    )
    assert len(ids) == 3
    return ids


def local_chat_tokenizer(texts: list[str]) -> Any:
    """A word-level chat tokenizer trained here on ``texts`` (examples/trainers/local_tokenizer.py)."""
    spec = importlib.util.spec_from_file_location("local_tokenizer", REPO / "examples" / "trainers" / "local_tokenizer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.local_tokenizer(texts)


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]
