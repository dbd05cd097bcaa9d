// POST /v1/traces: OTLP/HTTP trace export, so agents instrumented with OpenTelemetry report to Arc
// by configuration alone (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS with an
// ingest key). Same key scope, rate limit and body limit as POST /v1/events; the GenAI spans become
// events and go through the same ingest service. Answers 200 only once they are committed.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { errorAnswer } from '../error-handler.js';
import { HttpError } from '../http-error.js';
import { MAX_OTLP_JSON_DEPTH } from '../json-depth-guard.js';
import { BEARER_SECURITY, type RouteDeps } from '../routes/route-deps.js';
import type { EventInput } from '../schemas/event-schemas.js';
import {
  type OtlpAnswer,
  type OtlpEncoding,
  otlpResponse,
  StatusJsonSchema,
  statusAnswer,
  TraceResponseJsonSchema,
  traceAnswer,
} from './otlp-answers.js';
import { acceptOtlpBodies, JSON_MEDIA_TYPE, PROTOBUF_MEDIA_TYPE, unsupportedMediaType } from './otlp-body.js';
import { OtlpJsonTraceRequestSchema } from './otlp-json-schema.js';
import { decodeTraceRequest } from './otlp-protobuf.js';
import type { OtlpTraceRequest } from './otlp-request.js';
import { readSpans } from './otlp-spans.js';
import { spanToEvent } from './span-event.js';

function encodingOf(request: FastifyRequest): OtlpEncoding {
  return request.headers['content-type']?.trim().toLowerCase().startsWith(PROTOBUF_MEDIA_TYPE)
    ? 'protobuf'
    : 'json';
}

function send(reply: FastifyReply, status: number, { contentType, payload }: OtlpAnswer) {
  return reply.code(status).type(contentType).send(payload);
}

function decodeProtobuf(body: Buffer): OtlpTraceRequest {
  try {
    return decodeTraceRequest(body);
  } catch (error) {
    throw new HttpError(400, 'Invalid protobuf body', {
      details: [{ path: '/', message: `is not an ExportTraceServiceRequest: ${(error as Error).message}` }],
    });
  }
}

const DESCRIPTION = `OTLP/HTTP trace export (binary protobuf or JSON, optionally gzipped), as OpenTelemetry
exporters send it: point OTEL_EXPORTER_OTLP_TRACES_ENDPOINT at this URL and put the key in
OTEL_EXPORTER_OTLP_HEADERS. Each GenAI span (current gen_ai.* conventions and the older names, the
Vercel AI SDK's ai.* spans, OpenInference) becomes one call outcome, as POST /v1/events takes them:
a failure when its status is ERROR, it recorded an exception event, or error.type is set. Other
spans (HTTP, database, ...) are acknowledged and not stored. Spans without a valid trace or span id
are refused and counted in partialSuccess. Failures answer a google.rpc.Status in the request's
encoding.`;

export const tracesRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { limits } = deps;
  acceptOtlpBodies(app, limits.maxBodyBytes);
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const answer =
      (error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? errorAnswer(unsupportedMediaType(request), request)
        : errorAnswer(error, request);
    reply.headers(answer.headers);
    return send(reply, answer.status, statusAnswer(encodingOf(request), answer.status, answer.body));
  });

  app.post(
    '/traces',
    {
      bodyLimit: limits.maxBodyBytes,
      config: { maxJsonDepth: MAX_OTLP_JSON_DEPTH, inflatesBodies: true },
      schema: {
        summary: 'Ingest OpenTelemetry traces (OTLP/HTTP): GenAI spans as call outcomes',
        description: DESCRIPTION,
        tags: ['events'],
        security: BEARER_SECURITY,
        body: {
          content: {
            [JSON_MEDIA_TYPE]: { schema: OtlpJsonTraceRequestSchema },
            // Bytes reach the handler unchecked: decoding them is the check.
            [PROTOBUF_MEDIA_TYPE]: {
              schema: Type.Unsafe({ description: 'ExportTraceServiceRequest, binary protobuf' }),
            },
          },
        },
        response: {
          200: otlpResponse(
            'Accepted and committed (partialSuccess counts refused spans)',
            TraceResponseJsonSchema,
          ),
          400: otlpResponse('Malformed request (details name the fields)', StatusJsonSchema),
          401: otlpResponse('Missing, malformed, unknown or revoked API key', StatusJsonSchema),
          403: otlpResponse('The key lacks the ingest scope', StatusJsonSchema),
          413: otlpResponse('Body too large, sent or inflated', StatusJsonSchema),
          415: otlpResponse('Unsupported content type or encoding', StatusJsonSchema),
          429: otlpResponse(
            'Too many requests for this key: retry after Retry-After seconds',
            StatusJsonSchema,
          ),
        },
      },
      onRequest: deps.requireScope('ingest'),
    },
    async (request, reply) => {
      const body = request.body as Buffer | OtlpTraceRequest | undefined;
      if (body === undefined) throw unsupportedMediaType(request);
      const otlp = Buffer.isBuffer(body) ? decodeProtobuf(body) : body;
      const { spans, rejected } = readSpans(otlp, limits.maxBatchEvents);
      const events = spans.map(spanToEvent).filter((event): event is EventInput => event !== null);
      const { projectId, credential } = request.auth!;
      if (events.length > 0) await deps.ingest.ingest(projectId, events, credential);
      return send(reply, 200, traceAnswer(encodingOf(request), rejected));
    },
  );
};
