"""Arc down, hanging, garbled or refusing changes nothing for the host: its results and exceptions
come back as they are, memory stays bounded, drops are counted, and shutdown keeps its deadline."""

from __future__ import annotations

import asyncio
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from arc import ArcClient, ArcConfig
from arc._transport import parse_retry_after

from .conftest import Misbehaving, free_port, wait_until
from .local_http import LocalHttpServer, huge_answer

MODES = ["down", "hang", "garbage", "500", "429"]


def _endpoint(mode: str, misbehaving: Any) -> tuple[str, Misbehaving | None]:
    if mode == "down":
        return f"http://127.0.0.1:{free_port()}", None
    server = misbehaving(mode)
    return server.url, server


def _client(endpoint: str, **overrides: Any) -> ArcClient:
    config: dict[str, Any] = dict(
        api_key="arc_fail_open_test_key",
        endpoint=endpoint,
        flush_interval=0.05,
        request_timeout=0.5,
        fix_poll_interval=0.05,
        success_sample_rate=1.0,
    )
    return ArcClient(ArcConfig(**{**config, **overrides}))


@pytest.mark.parametrize("mode", MODES)
def test_results_and_exceptions_are_the_hosts_own(mode: str, misbehaving: Any) -> None:
    endpoint, server = _endpoint(mode, misbehaving)
    client = _client(endpoint)
    result = object()
    error = ValueError("the host's own")

    @client.track
    def ok() -> object:
        return result

    @client.track
    def fails() -> None:
        raise error

    @client.track
    async def ok_async() -> object:
        return result

    for _ in range(20):
        assert ok() is result
        assert asyncio.run(ok_async()) is result
        with pytest.raises(ValueError) as info:
            fails()
        assert info.value is error
    if server is not None:
        wait_until(lambda: server.requests > 0, what="the SDK to reach the misbehaving server")
    started = time.monotonic()
    client.shutdown(timeout=2.0)
    assert time.monotonic() - started < 2.0 + 0.5  # the deadline, plus scheduling on a loaded machine
    stats = client.stats()
    assert stats.transport.sent == 0
    assert stats.internal_errors == 0
    assert stats.transport.last_error is not None


@pytest.mark.parametrize("mode", ["down", "hang", "500"])
def test_the_queue_is_bounded_and_drops_are_counted(mode: str, misbehaving: Any) -> None:
    endpoint, _ = _endpoint(mode, misbehaving)
    client = _client(endpoint, max_queue=50, batch_size=10)

    @client.track
    def fails(i: int) -> None:
        raise KeyError(i)

    for i in range(500):
        with pytest.raises(KeyError):
            fails(i)
    stats = client.stats().transport
    assert stats.queued <= 50 + 10  # the queue, plus the batch in flight
    assert stats.dropped + stats.failed >= 500 - 60
    assert stats.dropped + stats.queued + stats.failed + stats.sent == 500
    client.shutdown(timeout=1.0)


def test_a_hanging_server_cannot_hold_shutdown_past_its_deadline(misbehaving: Any) -> None:
    server = misbehaving("hang")
    client = _client(server.url, request_timeout=30.0)

    @client.track
    def ok() -> int:
        return 1

    for _ in range(5):
        ok()
    wait_until(lambda: server.requests > 0, what="a request to hang")
    started = time.monotonic()
    client.shutdown(timeout=1.0)
    assert time.monotonic() - started < 1.0 + 0.5


@pytest.mark.parametrize("status", ["429", "503"])  # 503: the server's answer while its database cannot serve
def test_a_429_or_503_is_retried_after_its_retry_after(misbehaving: Any, status: str) -> None:
    server: Misbehaving = misbehaving(status)
    client = _client(server.url)

    @client.track
    def ok() -> int:
        return 1

    def event_posts() -> int:
        return server.request_lines.count("POST /v1/events")

    ok()
    wait_until(lambda: client.stats().transport.retries >= 1, what="a retry to be scheduled")
    posts = event_posts()
    client.flush(timeout=0.5)  # Retry-After: 120 holds the next try back
    # Only the events' sender is counted: the fix cache's first poll may come at any time.
    assert event_posts() == posts == 1
    assert client.stats().transport.last_error is not None and f"HTTP {status}" in client.stats().transport.last_error  # type: ignore[operator]
    client.shutdown(timeout=1.0)


@pytest.mark.parametrize("status", ["429", "503"])  # 503: the server's answer while its database cannot serve
def test_a_worker_waits_as_long_as_retry_after_says(misbehaving: Any, status: str) -> None:
    server: Misbehaving = misbehaving(status)
    client = _client(server.url)

    @client.track
    def echo(x: int) -> int:
        return x

    def leases() -> int:
        return server.request_lines.count("POST /v1/rollouts/lease")

    worker = client.worker({echo.__qualname__: echo}, poll_interval=0.02)
    try:
        wait_until(lambda: worker.stats().lease_errors >= 1, what="a refused lease")
        # Retry-After: 120 holds the next lease back; the worker's own backoff asks again within 20 ms.
        with pytest.raises(AssertionError, match="timed out"):
            wait_until(lambda: leases() >= 2, timeout=1.0, what="a second lease")
        assert leases() == 1
        assert worker.stats().last_error == f"lease: HTTP {status}"
    finally:
        worker.stop(timeout=0.5)
        client.shutdown(timeout=0.5)


def test_retry_after_reads_seconds_and_dates_and_is_capped() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("999999") == 300.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 30) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_shutdown_twice_and_tracking_after_shutdown_are_harmless(misbehaving: Any) -> None:
    client = _client(f"http://127.0.0.1:{free_port()}")

    @client.track
    def ok() -> int:
        return 1

    client.shutdown(timeout=0.5)
    client.shutdown(timeout=0.5)
    assert ok() == 1
    assert client.stats().transport.dropped == 1  # enqueued after shutdown


def test_fix_polling_against_broken_servers_keeps_no_fixes_and_counts_failures(misbehaving: Any) -> None:
    for mode in ("hang", "garbage", "500", "bad-json"):
        server = misbehaving(mode)
        client = _client(server.url)

        @client.track
        def ok() -> int:
            return 1

        assert ok() == 1
        client.refresh_fixes()
        stats = client.stats().fixes
        assert stats is not None and stats.failures >= 1
        assert client.fixes_for(ok.__qualname__) == ()
        client.shutdown(timeout=0.5)


def _fixes_server(body: bytes) -> LocalHttpServer:
    """Answers GET /v1/fixes with ``body``, as a server past the SDK's trust would."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return LocalHttpServer(Handler)


def _fix(fix: dict[str, Any]) -> dict[str, Any]:
    return {"id": "fix_1", "version": 1, "patternId": "pat_1", "function": "f", "fix": fix, "risk": "low", "confidence": 1, "canaryShare": 1}


@pytest.mark.parametrize(
    ("fixes", "bound", "counter"),
    [
        ([_fix({"type": "prompt_adjustment", "instructions": "x" * 5000})], 1000, "oversized_responses"),
        ([_fix({"type": "few_shot", "examples": [{"input": i, "output": "y" * 9000} for i in range(4)]})], 10**6, "oversized_fixes"),
        ([_fix({"type": "model_swap"}), {"not": "a fix"}], 10**6, "invalid_fixes"),
    ],
)
def test_fixes_the_sdk_must_not_trust_are_skipped(fixes: list[Any], bound: int, counter: str) -> None:
    import json

    server = _fixes_server(json.dumps({"fixes": fixes}).encode())
    try:
        client = _client(server.url, fix_max_response_bytes=bound, fix_poll_interval=3600.0)
        client.track("f")(lambda: 1)  # registers the function to poll
        client.refresh_fixes()
        stats = client.stats().fixes
        assert stats is not None and getattr(stats, counter) >= 1
        assert client.fixes_for("f") == ()
        client.shutdown(timeout=0.5)
    finally:
        server.close()


def test_a_rollout_worker_reads_a_bounded_part_of_an_answer(misbehaving: Any) -> None:
    """A lease answered with more than a worker could ever use is refused, not read into memory."""
    size = 128 * 1024 * 1024
    handler, written = huge_answer(200, size)
    server = LocalHttpServer(handler)
    client = _client(server.url, request_timeout=30.0)
    try:

        @client.track
        def echo(x: int) -> int:
            return x

        worker = client.worker({echo.__qualname__: echo}, poll_interval=60.0)
        wait_until(lambda: worker.stats().lease_errors >= 1, timeout=60, what="the lease answer refused")
        worker.stop(timeout=1.0)
        assert written[0] < size
        assert client.stats().internal_errors == 0
    finally:
        client.shutdown(timeout=0.5)
        server.close()


def test_a_worker_started_after_shutdown_leases_nothing(misbehaving: Any) -> None:
    import threading

    client = _client(misbehaving("500").url)

    @client.track
    def echo(x: int) -> int:
        return x

    client.shutdown(timeout=0.5)
    before = {thread.ident for thread in threading.enumerate()}
    worker = client.worker({echo.__qualname__: echo})
    # A worker's thread asks for its first lease as it starts.
    started = [t for t in threading.enumerate() if t.ident not in before and t.name == "arc-worker"]
    worker.stop(timeout=0.5)
    assert started == []
    assert worker.stats().leased == 0


def test_a_server_that_trickles_its_answer_costs_a_request_no_more_than_its_timeout() -> None:
    """The request timeout bounds a whole request, as in the TypeScript SDK, not each read of it."""
    import threading

    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _trickle(self, status: int) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(status)
            self.send_header("content-length", "100000")
            self.end_headers()
            try:
                while not stop.wait(0.05):  # a byte now and then: no read ever waits long
                    self.wfile.write(b" ")
                    self.wfile.flush()
            except OSError:
                pass  # the client hung up

        def do_POST(self) -> None:
            # Events read an error's first bytes; a worker reads a lease's whole answer.
            self._trickle(200 if self.path.startswith("/v1/rollouts/") else 500)

        def do_GET(self) -> None:
            self._trickle(200)

    server = LocalHttpServer(Handler)
    client = _client(server.url, request_timeout=0.5, max_send_attempts=1)
    try:

        @client.track
        def echo(x: int) -> int:
            return x

        echo(1)
        client.refresh_fixes()  # returns once the poll is given up
        wait_until(lambda: client.stats().transport.failed >= 1, timeout=60, what="the send given up")
        worker = client.worker({echo.__qualname__: echo}, poll_interval=60.0)
        wait_until(lambda: worker.stats().lease_errors >= 1, timeout=60, what="the lease given up")
        worker.stop(timeout=0.5)
        fixes = client.stats().fixes
        assert fixes is not None and fixes.failures >= 1
    finally:
        stop.set()
        client.shutdown(timeout=0.5)
        server.close()
