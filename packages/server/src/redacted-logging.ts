// What the server logs can hold client text: a request's URL (path parameters and query strings
// name functions, patterns, arms), an error's message, stack and fields (a database error quoting
// the value it refused). Every logger the server writes with serializes requests and errors
// through core's redaction first, so that logs keep no secret a client sent.

import { redactedJsonSafe, redactText } from '@arc-agent/core';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import pino from 'pino';

/** The URL as routes read it (`%20` and a query's `+` are spaces), so that encoding hides no secret. */
function decodedUrl(url: string): string {
  try {
    return decodeURIComponent(url.replaceAll('+', ' '));
  } catch {
    return url;
  }
}

/** A header's text, redacted (headers are the client's text too; undefined when absent). */
function redactedHeader(value: string | undefined): string | undefined {
  return value === undefined ? undefined : redactText(value);
}

/**
 * Fastify's own request fields, the URL decoded and redacted, and so are the headers among them:
 * the Host and Accept-Version a client sent, and behind a trusted proxy the X-Forwarded-For that
 * `ip` reads.
 */
function request(req: FastifyRequest) {
  const version = req.headers?.['accept-version'];
  return {
    method: req.method,
    url: redactText(decodedUrl(req.url)),
    version: redactedHeader(Array.isArray(version) ? version.join(', ') : version),
    host: redactedHeader(req.host),
    remoteAddress: redactedHeader(req.ip),
    remotePort: req.socket?.remotePort,
  };
}

/** pino's error fields (type, message, stack, cause, own fields), bounded and redacted. */
function error(err: Error) {
  return redactedJsonSafe(pino.stdSerializers.err(err));
}

export const REDACTING_SERIALIZERS = Object.freeze({ req: request, err: error });

/** `logger` with requests (`req`) and errors (`err`) serialized redacted; its other settings kept. */
export function redactedLogger<L extends FastifyBaseLogger>(logger: L): L {
  return logger.child({}, { serializers: REDACTING_SERIALIZERS }) as L;
}
