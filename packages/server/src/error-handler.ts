// Every error leaves as JSON `{ error, details? }`. Client mistakes keep their 4xx status (Fastify's
// own: malformed JSON 400, body too large 413, unsupported media type 415; validation 400 with the
// offending fields); a database that cannot serve just now 503 with Retry-After, so that clients
// (OTLP exporters, the SDKs) retry; anything else is the server's fault: logged, answered 500
// without internals.

import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorDetail, HttpError } from './http-error.js';
import { isStorageUnavailable } from './storage-unavailable.js';

/** Seconds a client is asked to wait before it retries a request the database could not serve. */
export const STORAGE_RETRY_AFTER_SECONDS = 2;

/** Enough for a client to fix a batch; a body with more problems than this gets this many. */
export const MAX_ERROR_DETAILS = 100;

const PART_NAMES: Record<string, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path parameters',
  headers: 'headers',
};

/** A key as one segment of a JSON Pointer. */
export function pointerSegment(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Maps Ajv errors to `{ path, message }`, path being a JSON Pointer to the field at fault: the
 * instancePath, plus the property name for `required` and `additionalProperties` errors. The
 * errors of the alternatives under a failed `anyOf` fold into one detail at the anyOf's path.
 */
export function validationDetails(errors: readonly ErrorObject[]): ErrorDetail[] {
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (anyOfPaths.some((p) => error.schemaPath.startsWith(`${p}/`))) continue;
    let path = error.instancePath;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      path += `/${pointerSegment((error.params as { missingProperty: string }).missingProperty)}`;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      path += `/${pointerSegment((error.params as { additionalProperty: string }).additionalProperty)}`;
      message = 'is not allowed';
    } else if (error.keyword === 'enum') {
      message = `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    } else if (error.keyword === 'anyOf') {
      const alternatives = errors
        .filter(
          (e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && e.instancePath === error.instancePath,
        )
        .map((e) => e.message ?? 'is invalid');
      message = [...new Set(alternatives)].join(', or ');
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push({ path: path === '' ? '/' : path, message });
    if (details.length === MAX_ERROR_DETAILS) break;
  }
  return details;
}

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export interface ErrorBody {
  error: string;
  details?: ErrorDetail[];
}

export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** What the client is told about an error: its status, body and headers (a 500 is logged). */
export function errorAnswer(error: FastifyError | HttpError, request: FastifyRequest): ErrorAnswer {
  if (error instanceof HttpError) {
    return {
      status: error.statusCode,
      body: { error: error.message, ...(error.details ? { details: error.details } : {}) },
      headers: error.headers,
    };
  }
  if (error.validation) {
    return {
      status: 400,
      body: { error: error.message, details: validationDetails(error.validation as ErrorObject[]) },
      headers: {},
    };
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      status: 415,
      body: {
        error: `Unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}: send application/json`,
      },
      headers: {},
    };
  }
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: { error: error.message }, headers: {} };
  }
  if (isStorageUnavailable(error)) {
    request.log.warn({ err: error }, 'storage unavailable');
    return {
      status: 503,
      body: { error: 'Storage unavailable: retry later' },
      headers: { 'retry-after': String(STORAGE_RETRY_AFTER_SECONDS) },
    };
  }
  request.log.error({ err: error }, 'request failed');
  return { status: 500, body: { error: 'Internal server error' }, headers: {} };
}

/**
 * Answers an error in the API's shape: the app's error handler, and Fastify's `frameworkErrors`
 * (what its router meets before any route runs, such as a path that is not percent-encoded UTF-8,
 * which Fastify would answer in a shape of its own).
 */
export function answerError(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) {
  const { status, body, headers } = errorAnswer(error, request);
  reply.headers(headers);
  return send(reply, status, body);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setSchemaErrorFormatter((_errors, dataVar) => new Error(`Invalid ${PART_NAMES[dataVar] ?? dataVar}`));

  app.setErrorHandler(answerError);

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, { error: `No route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}` }),
  );
}
