"""A verdict sends and counts exactly what the TypeScript SDK's does (shared vectors written by
packages/sdk/src/verdict-vectors.fixture.ts: packages/sdk/test-vectors/verdicts.json): each
scenario runs against a local server that records the bodies of ``POST /v1/feedback``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from arc import ArcClient, ArcConfig, FeedbackSettings, Verdict

from .conftest import wait_until
from .local_http import LocalHttpServer
from .vectors import load

VECTORS = load("packages/sdk/test-vectors/verdicts.json")


class _Recorder:
    def __init__(self) -> None:
        self.feedback: list[dict[str, Any]] = []
        self.lock = threading.Lock()


@pytest.fixture
def recorder() -> Iterator[tuple[str, _Recorder]]:
    recorded = _Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            if self.path == "/v1/feedback":
                with recorded.lock:
                    recorded.feedback.extend(body["feedback"])
            self.send_response(202)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = LocalHttpServer(Handler)
    yield server.url, recorded
    server.close()


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_same_verdicts_as_typescript(vector: dict[str, Any], recorder: tuple[str, _Recorder]) -> None:
    url, recorded = recorder
    threshold = vector.get("threshold")
    client = ArcClient(
        ArcConfig(
            api_key="arc_vectors",
            endpoint=url,
            agent_id=vector.get("agentId"),
            success_sample_rate=vector["sampleRate"],
            random=lambda: 0.5,
            fixes=False,
            flush_interval=3600.0,
            feedback=FeedbackSettings() if threshold is None else FeedbackSettings(threshold=threshold),
        )
    )
    name = vector["function"]

    def verify(output: Any) -> Any:
        if "verdict" not in vector:
            raise RuntimeError("judge crashed")
        return vector["verdict"]

    @client.track(
        name,
        input=lambda value: value,
        call_id=lambda value: vector["callId"],
        tags=vector.get("tags"),
        verify=verify if vector["via"] == "verify" else None,
    )
    def call(value: Any) -> Any:
        return vector["output"]

    call(vector["input"])
    if vector["via"] == "feedback":
        verdict = vector["verdict"]
        client.feedback(vector.get("feedbackId", vector["callId"]), Verdict(**verdict) if isinstance(verdict, dict) else verdict)
    else:
        wait_until(
            lambda: client.stats().feedback.queued + client.stats().feedback.sent > 0
            or client.stats().functions[name].verify_failures > 0,
            what="the verify's outcome",
        )
    client.flush()
    stats = client.stats()
    client.shutdown(timeout=5.0)
    with recorded.lock:
        sent = [{k: v for k, v in item.items() if k not in ("id", "timestamp")} for item in recorded.feedback]
    expected = vector["expected"]
    assert sent == expected["feedback"]
    assert (stats.feedback.unmatched, stats.feedback.invalid) == (expected["unmatched"], expected["invalid"])
    assert stats.functions[name].wrong_answers == expected["wrongAnswers"]
    assert stats.functions[name].verify_failures == expected["verifyFailures"]
    assert all(isinstance(item["timestamp"], int) and len(item["id"]) > 0 for item in recorded.feedback)
