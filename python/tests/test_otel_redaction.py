"""``arc.integrations.otel.RedactingSpanExporter`` around the OpenTelemetry Python SDK's own OTLP/HTTP
exporter, sending to a real ``arc serve`` through a proxy that records the request bytes: a secret
in every text field of a span is gone from the wire, so it is the agent that removed it (the same
span through the bare exporter carries it)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Link, Status, StatusCode

from arc.integrations.otel import RedactingSpanExporter

from .conftest import ArcServer
from .recording_proxy import RecordingProxy

# Built at run time, so no token sits in the source.
KEY = "sk-" + "Zq7Xw2Lm9P" * 5
EMAIL = "ana.lima@example.org"


@pytest.fixture
def proxy(arc_server: ArcServer) -> Iterator[RecordingProxy]:
    recording = RecordingProxy(arc_server.url)
    yield recording
    recording.close()


def _export_secrets(exporter: SpanExporter) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "py-billing-agent", "deployment.owner": EMAIL}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("redaction-test", attributes={"scope.note": f"built with {KEY}"})
    with tracer.start_as_current_span("linked") as linked:
        pass
    span = tracer.start_span(
        f"execute_tool charge {KEY}",
        links=[Link(linked.get_span_context(), {"link.note": f"from {KEY}"})],
        attributes={
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "charge",
            "gen_ai.tool.call.arguments": json.dumps({"card": "x", "api_key": KEY}),
            f"tenant.{KEY}": "key holding a secret",
            "http.request.header.authorization": f"Bearer {KEY}",
            "user.emails": [EMAIL, "none"],
        },
    )
    span.add_event(f"retry after {KEY}", {"retry.reason": f"rejected {KEY}"})
    span.record_exception(ValueError(f"card declined for {EMAIL} using {KEY}"))
    span.set_status(Status(StatusCode.ERROR, f"declined: {KEY}"))
    span.end()
    provider.shutdown()


def test_no_secret_of_any_span_field_is_on_the_wire(arc_server: ArcServer, ingest_key: str, proxy: RecordingProxy) -> None:
    headers = {"Authorization": f"Bearer {ingest_key}"}
    _export_secrets(OTLPSpanExporter(endpoint=f"{proxy.url}/v1/traces", headers=headers))
    bare = b"".join(e.body for e in proxy.sent("/v1/traces"))
    # The control: without the wrapper the secrets are sent (and only the server hides them).
    assert KEY.encode() in bare and EMAIL.encode() in bare

    proxy.exchanges.clear()
    _export_secrets(RedactingSpanExporter(OTLPSpanExporter(endpoint=f"{proxy.url}/v1/traces", headers=headers)))
    exchanges = proxy.sent("/v1/traces")
    assert exchanges and all(e.status == 200 for e in exchanges)
    sent = b"".join(e.body for e in exchanges)
    assert KEY.encode() not in sent
    assert EMAIL.encode() not in sent
    assert b"[REDACTED:" in sent and b"py-billing-agent" in sent
    assert b"card declined for [REDACTED:email] using [REDACTED:openai_key]" in sent

    status, body = arc_server.request("GET", "/v1/functions")
    assert status == 200, body
    assert any(f["function"] == "charge" and f["failures"] >= 1 for f in body["functions"])


class _Recording(SpanExporter):
    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        pass


class _Unreadable(dict[str, Any]):
    """Attributes one of which cannot be read."""

    def __getitem__(self, key: str) -> Any:
        if key == "broken":
            raise RuntimeError("unreadable")
        return super().__getitem__(key)


def test_what_cannot_be_redacted_is_dropped_and_the_rest_exported() -> None:
    inner = _Recording()
    bad = ReadableSpan(name="bad", attributes=_Unreadable({"ok": KEY, "broken": KEY}), resource=Resource({}))
    unreadable = ReadableSpan(name="unreadable", resource=Resource({}))
    unreadable._attributes = 42  # type: ignore[assignment]  # not a mapping: the copy fails
    good = ReadableSpan(name=f"good {KEY}", attributes={"blob": b"\x00" * 7}, resource=Resource({}))
    assert RedactingSpanExporter(inner).export([bad, unreadable, good]) is SpanExportResult.SUCCESS
    assert [s.name for s in inner.spans] == ["bad", "good [REDACTED:openai_key]"]
    assert dict(inner.spans[0].attributes or {}) == {"ok": "[REDACTED:openai_key]"}
    assert dict(inner.spans[1].attributes or {}) == {"blob": "[Uint8Array(7)]"}
