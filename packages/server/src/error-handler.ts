// Every error leaves as JSON `{ error, details? }`. Client mistakes keep their 4xx status (Fastify's
// own: malformed JSON 400, body too large 413, unsupported media type 415; validation 400 with the
// offending fields); anything else is the server's fault: logged, answered 500 without internals.

import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorDetail, HttpError } from './http-error.js';

/** Enough for a client to fix a batch; a body with more problems than this gets this many. */
export const MAX_ERROR_DETAILS = 100;

const PART_NAMES: Record<string, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path parameters',
  headers: 'headers',
};

function pointerSegment(name: string): string {
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

function send(reply: FastifyReply, status: number, body: { error: string; details?: ErrorDetail[] }) {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setSchemaErrorFormatter((_errors, dataVar) => new Error(`Invalid ${PART_NAMES[dataVar] ?? dataVar}`));

  app.setErrorHandler((error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) {
      reply.headers(error.headers);
      return send(reply, error.statusCode, {
        error: error.message,
        ...(error.details ? { details: error.details } : {}),
      });
    }
    if (error.validation) {
      return send(reply, 400, {
        error: error.message,
        details: validationDetails(error.validation as ErrorObject[]),
      });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return send(reply, 415, {
        error: `Unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}: send application/json`,
      });
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return send(reply, status, { error: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return send(reply, 500, { error: 'Internal server error' });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, { error: `No route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}` }),
  );
}
