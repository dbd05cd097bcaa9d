// A SpanExporter that redacts each span before it leaves the agent, wrapping the user's exporter
// (OTLPTraceExporter, say). A wrapping exporter rather than a SpanProcessor: onEnd is handed a
// ReadableSpan it cannot change. The types are structural so that no OpenTelemetry package is a
// dependency and spans of sdk-trace and sdk-trace-base (1.x and 2.x) are all taken.

import { type RedactOptions, redactSecrets, redactText, toJsonSafe } from '@arc-agent/core';

type Attributes = Record<string, unknown>;

/** The parts of an OpenTelemetry ReadableSpan that hold client text. */
export interface RedactableSpan {
  readonly name: string;
  readonly status: { code: number; message?: string };
  readonly attributes: Attributes;
  readonly events: readonly { name: string; attributes?: Attributes }[];
  readonly links: readonly { attributes?: Attributes }[];
  readonly resource?: { readonly attributes: Attributes };
}

/** What a SpanExporter is to OpenTelemetry JS: an OTLPTraceExporter fits. */
export interface SpanExporterLike<S extends RedactableSpan = RedactableSpan, R = unknown> {
  export(spans: S[], resultCallback: (result: R) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * Attribute values as the server keeps them (bytes as their length: redaction cannot read them),
 * redacted as core redacts JSON: a value under a secret-sounding key hidden whole, secrets in keys
 * and strings replaced by markers. An attribute that fails to redact is dropped, never sent as is.
 */
function redactAttributes(attributes: Attributes, options: RedactOptions | undefined): Attributes {
  const summarised: Attributes = {};
  for (const key of Object.keys(attributes)) {
    try {
      const value = attributes[key];
      summarised[key] = ArrayBuffer.isView(value) ? toJsonSafe(value) : value;
    } catch {
      // Dropped: an attribute that cannot be read cannot be redacted.
    }
  }
  try {
    return redactSecrets(summarised, options).value;
  } catch {
    const kept: Attributes = {};
    for (const [key, value] of Object.entries(summarised)) {
      try {
        Object.assign(kept, redactSecrets({ [key]: value }, options).value);
      } catch {
        // Dropped: an attribute that cannot be redacted must not leave the agent.
      }
    }
    return kept;
  }
}

/** `text` redacted, or empty where redaction fails: a field is lost rather than sent raw. */
function redactField(text: string, options: RedactOptions | undefined): string {
  try {
    return redactText(text, options);
  } catch {
    return '';
  }
}

/**
 * A copy of `span` with its text redacted, sharing everything else (span context, times, methods)
 * through its prototype. Resources are redacted once per batch: the OTLP transformer groups spans
 * by resource object, so one copy per span would repeat the resource for each.
 */
function redactSpan<S extends RedactableSpan>(
  span: S,
  resources: Map<object, object>,
  options: RedactOptions | undefined,
): S {
  const copy = Object.create(span) as S;
  const own = (key: string, value: unknown) =>
    Object.defineProperty(copy, key, { value, enumerable: true, configurable: true });
  own('name', redactField(span.name, options));
  own('attributes', redactAttributes(span.attributes ?? {}, options));
  own('status', {
    ...span.status,
    ...(span.status?.message === undefined ? {} : { message: redactField(span.status.message, options) }),
  });
  own(
    'events',
    (span.events ?? []).map((event) => ({
      ...event,
      name: redactField(event.name, options),
      ...(event.attributes ? { attributes: redactAttributes(event.attributes, options) } : {}),
    })),
  );
  own(
    'links',
    (span.links ?? []).map((link) =>
      link.attributes ? { ...link, attributes: redactAttributes(link.attributes, options) } : link,
    ),
  );
  const resource = span.resource;
  if (resource) {
    let redacted = resources.get(resource);
    if (!redacted) {
      redacted = Object.create(resource) as object;
      Object.defineProperty(redacted, 'attributes', {
        value: redactAttributes(resource.attributes ?? {}, options),
        enumerable: true,
      });
      resources.set(resource, redacted);
    }
    own('resource', redacted);
  }
  return copy;
}

/**
 * A SpanExporter that hands `inner` a redacted copy of each span: the span's name, attributes
 * (keys and values, string arrays included; bytes as their length), events' names and attributes,
 * links' attributes, status message and resource attributes, with secrets and e-mail addresses
 * replaced as the Arc SDK replaces them in its own events. Never throws into the host: a field
 * that cannot be redacted is dropped, and the batch is still exported.
 */
export function redactingSpanExporter<S extends RedactableSpan, R>(
  inner: SpanExporterLike<S, R>,
  options?: RedactOptions,
): SpanExporterLike<S, R> {
  return {
    export(spans, resultCallback) {
      const resources = new Map<object, object>();
      const redacted = spans.map((span) => {
        try {
          return redactSpan(span, resources, options);
        } catch {
          return undefined; // A span whose shape defeats the copy is dropped, not sent raw.
        }
      });
      inner.export(
        redacted.filter((span): span is S => span !== undefined),
        resultCallback,
      );
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}
