"""Arc's redaction for OpenTelemetry traces, as the TypeScript SDK's ``redactingSpanExporter``
(packages/sdk/src/redacting-span-exporter.ts): ``RedactingSpanExporter(OTLPSpanExporter())`` hands
the exporter it wraps a redacted copy of each span, so secrets do not leave the agent (the server
redacts again). A SpanExporter rather than a SpanProcessor: ``on_end`` gets a span it must not change.
Needs ``opentelemetry-sdk`` (the ``otel`` extra).

Redacted: the span's name, attribute keys and values (string sequences included; bytes as their
length, as the server keeps them), events' names and attributes, links' attributes, the status
description, resource and instrumentation scope attributes. Never raises into the host: a field
that cannot be redacted is dropped, never sent as it was, and the batch is still exported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, Status

from .._redact import RedactOptions, redact_secrets, redact_text


def _plain(value: Any) -> Any:
    """An attribute value as JSON: sequences as lists, bytes as their length (the server's summary:
    redaction cannot read them)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"[Uint8Array({len(value)})]"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return value


def _attributes(attributes: Mapping[str, Any] | None, options: RedactOptions | None) -> dict[str, Any]:
    """Redacted as the SDK redacts JSON: a value under a secret-sounding key hidden whole, secrets in
    keys and strings replaced by markers. An attribute that fails to redact is dropped."""
    source = attributes or {}
    kept: dict[str, Any] = {}
    for key in list(source):
        try:
            redacted, _ = redact_secrets({key: _plain(source[key])}, options)
            kept.update(redacted)
        except Exception:  # never sent raw, never raised into the host
            pass
    return kept


def _text(text: str | None, options: RedactOptions | None) -> str | None:
    """``text`` redacted, or empty where redaction fails: a field is lost rather than sent raw."""
    if text is None:
        return None
    try:
        return redact_text(text, options)
    except Exception:
        return ""


class RedactingSpanExporter(SpanExporter):
    """A SpanExporter that exports, through ``inner``, a redacted copy of each span."""

    def __init__(self, inner: SpanExporter, options: RedactOptions | None = None) -> None:
        self._inner = inner
        self._options = options

    def _resource(self, resource: Resource, copies: dict[int, Resource]) -> Resource:
        # One copy per resource a batch: the encoder groups spans by resource.
        copy = copies.get(id(resource))
        if copy is None:
            copy = Resource(_attributes(resource.attributes, self._options), resource.schema_url)
            copies[id(resource)] = copy
        return copy

    def _span(self, span: ReadableSpan, resources: dict[int, Resource]) -> ReadableSpan:
        options = self._options
        scope = span.instrumentation_scope
        status = span.status
        return ReadableSpan(
            name=_text(span.name, options) or "",
            context=span.context,
            parent=span.parent,
            resource=self._resource(span.resource, resources),
            attributes=_attributes(span.attributes, options),
            events=[Event(_text(e.name, options) or "", _attributes(e.attributes, options), e.timestamp) for e in span.events],
            links=[Link(link.context, _attributes(link.attributes, options)) for link in span.links],
            kind=span.kind,
            status=Status(status.status_code, _text(status.description, options)),
            start_time=span.start_time,
            end_time=span.end_time,
            instrumentation_scope=None
            if scope is None
            else InstrumentationScope(scope.name, scope.version, scope.schema_url, _attributes(scope.attributes, options)),
        )

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        resources: dict[int, Resource] = {}
        redacted: list[ReadableSpan] = []
        for span in spans:
            try:
                redacted.append(self._span(span, resources))
            except Exception:  # a span whose copy fails is dropped, not sent raw
                pass
        return self._inner.export(redacted)

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)
