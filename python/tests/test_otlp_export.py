"""The OpenTelemetry Python SDK's own OTLP/HTTP exporter, configured by its environment variables
alone (as the README says), sending GenAI spans to a real ``arc serve``'s ``POST /v1/traces``: a
failing tool's spans become one pattern whose examples keep their trace ids, a model call a
success of the agent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from .conftest import ArcServer


@pytest.mark.parametrize("compression", ["none", "gzip"])
def test_the_otlp_exporter_reports_tool_failures_as_patterns(
    arc_server: ArcServer, ingest_key: str, monkeypatch: pytest.MonkeyPatch, compression: str
) -> None:
    tool = f"lookup_order_{compression}"
    service = f"py-support-agent-{compression}"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{arc_server.url}/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", f"Authorization=Bearer%20{ingest_key}")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", compression)
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
    tracer = provider.get_tracer("arc-otlp-test")

    trace_ids: list[str] = []
    for order in (4411, 17):
        with pytest.raises(ValueError, match="not found"):
            with tracer.start_as_current_span(
                f"execute_tool {tool}",
                attributes={
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": tool,
                    "gen_ai.tool.call.arguments": json.dumps({"order_id": order}),
                },
            ) as span:
                trace_ids.append(format(span.get_span_context().trace_id, "032x"))
                raise ValueError(f"order {order} not found")
    with tracer.start_as_current_span(
        "chat gpt-4o",
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.input.messages": json.dumps([{"role": "user", "parts": [{"type": "text", "content": "Where is my order?"}]}]),
        },
    ):
        pass
    provider.shutdown()

    patterns = arc_server.patterns(tool)
    assert len(patterns) == 1, patterns
    pattern = patterns[0]
    assert pattern["errorType"] == "ValueError"
    assert pattern["normalizedMessage"] == "order <int> not found"
    assert pattern["occurrences"] == 2
    status, detail = arc_server.request("GET", f"/v1/patterns/{pattern['id']}")
    assert status == 200, detail
    examples: list[dict[str, Any]] = detail["examples"]
    assert sorted(e["traceId"] for e in examples) == sorted(trace_ids)
    assert sorted(e["input"]["order_id"] for e in examples) == [17, 4411]
    assert all(e["agentId"] == service for e in examples)
    assert all("Traceback" in e["error"]["stack"] for e in examples)

    status, body = arc_server.request("GET", "/v1/functions")
    assert status == 200, body
    chat = [f for f in body["functions"] if f["function"] == f"chat {service}"]
    assert [(f["successes"], f["failures"]) for f in chat] == [(1, 0)]
