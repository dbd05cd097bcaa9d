"""Per-call overhead of Arc's decorator on the success path, against a bare call and an
OpenTelemetry span around the same function, measured in the same run (make bench-python).

The Arc client is real: default success sampling (10%), events batched by its background thread
to a local HTTP server (in another process, so the server does not share this one's GIL), fixes
polled from it. The OpenTelemetry side is the SDK's tracer with a batch span processor and an
exporter that discards spans, so only the cost of making them is measured. Rounds interleave the
variants so that drift in the machine's load hits all alike; medians are reported.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from arc import ArcClient, ArcConfig

SYNC_CALLS = 200_000
ASYNC_CALLS = 50_000
ROUNDS = 7

STUB = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def _answer(self, status, body):
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        self._answer(200, b'{"fixes":[]}')
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self._answer(202, b'{"accepted":0,"duplicates":0,"patterns":[]}')

class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that closes its connection is no news here

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class DiscardingExporter(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        pass


# Work small enough that overhead shows, real enough that it cannot be skipped.
INPUTS = [f"order-{i}-{'x' * (i % 17)}" for i in range(1024)]


def work(text: str) -> int:
    h = 0
    for char in text:
        h = (h * 31 + ord(char)) & 0xFFFFFFFF
    return h


async def async_work(text: str) -> int:
    return work(text)


def time_sync(fn: Callable[[str], int], calls: int) -> float:
    sink = 0
    start = time.perf_counter_ns()
    for i in range(calls):
        sink ^= fn(INPUTS[i & 1023])
    return (time.perf_counter_ns() - start) / calls


async def time_async(fn: Callable[[str], Awaitable[int]], calls: int) -> float:
    sink = 0
    start = time.perf_counter_ns()
    for i in range(calls):
        sink ^= await fn(INPUTS[i & 1023])
    return (time.perf_counter_ns() - start) / calls


def row(name: str, ns: float, bare: float) -> str:
    return f"{name:<30} {ns:9.1f} ns/call   overhead {ns - bare:8.1f} ns/call"


def main() -> None:
    stub = subprocess.Popen([sys.executable, "-c", STUB], stdout=subprocess.PIPE, text=True)
    try:
        assert stub.stdout is not None
        port = int(stub.stdout.readline())
        arc = ArcClient(ArcConfig(api_key="arc_bench", endpoint=f"http://127.0.0.1:{port}", agent_id="bench"))
        provider = TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(DiscardingExporter()))
        tracer = provider.get_tracer("arc-bench")

        def otel_sync(text: str) -> int:
            with tracer.start_as_current_span("bench.sync"):
                return work(text)

        async def otel_async(text: str) -> int:
            with tracer.start_as_current_span("bench.async"):
                return await async_work(text)

        sync: dict[str, Callable[[str], int]] = {"bare": work, "arc": arc.track("bench.sync")(work), "otel": otel_sync}
        asynchronous: dict[str, Callable[[str], Awaitable[int]]] = {
            "bare": async_work,
            "arc": arc.track("bench.async")(async_work),
            "otel": otel_async,
        }
        results: dict[str, dict[str, list[float]]] = {k: {n: [] for n in sync} for k in ("sync", "async")}

        async def measure() -> None:
            for name in sync:  # warm-up
                time_sync(sync[name], 20_000)
                await time_async(asynchronous[name], 10_000)
            for _ in range(ROUNDS):
                for name in sync:
                    results["sync"][name].append(time_sync(sync[name], SYNC_CALLS))
                    results["async"][name].append(await time_async(asynchronous[name], ASYNC_CALLS))
                    await asyncio.sleep(0.02)  # lets the round's batched sends and span exports happen

        asyncio.run(measure())
        print(f"python {sys.version.split()[0]}")
        for kind, calls in (("sync", SYNC_CALLS), ("async", ASYNC_CALLS)):
            bare, arc_ns, otel_ns = (statistics.median(results[kind][n]) for n in ("bare", "arc", "otel"))
            print(f"\n{kind} ({calls} calls x {ROUNDS} rounds, medians)")
            print(row("bare function", bare, bare))
            print(row("@arc.track", arc_ns, bare))
            print(row("otel start_as_current_span", otel_ns, bare))
            print(
                f"ratio: arc overhead / otel overhead = {(arc_ns - bare) / (otel_ns - bare):.2f}; "
                f"arc call / bare call = {arc_ns / bare:.2f}"
            )
        arc.shutdown(timeout=2.0)
        stats = arc.stats()
        print(
            f"\narc: {stats.transport.sent} events sent, {stats.transport.dropped} dropped, "
            f"{stats.transport.queued} queued, internal errors {stats.internal_errors}"
        )
        provider.shutdown()
    finally:
        stub.terminate()
        stub.wait()


if __name__ == "__main__":
    main()
