// Free JSON in request bodies (event inputs and outputs, rollout outputs, schemas and examples of
// fixes) meets recursive code further on (JSON.stringify, canonical JSON, schema checks), which a
// body nested deep enough overflows: a 500. Every body is measured first, without recursion, and
// one nested deeper than any real payload is a 400 naming where.

import { pathDeeperThan } from '@arc-agent/core';
import type { FastifyInstance } from 'fastify';
import { pointerSegment } from './error-handler.js';
import { HttpError } from './http-error.js';

/** Levels of objects and arrays a body may nest (the body itself is level 1). */
export const MAX_JSON_DEPTH = 128;
/**
 * OTLP/JSON spends up to 4 levels on each level of an attribute value (AnyValue, KeyValueList,
 * values, KeyValue), so /v1/traces takes this many (a route's `config.maxJsonDepth`): values are
 * cut to 32 levels when mapped, without recursion deeper than that.
 */
export const MAX_OTLP_JSON_DEPTH = 4 * MAX_JSON_DEPTH;
/** The error names the field by the first levels of the path: the whole one can be 128 long. */
const NAMED_LEVELS = 4;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Levels of objects and arrays this route's bodies may nest; default MAX_JSON_DEPTH. */
    maxJsonDepth?: number;
  }
}

export function installJsonDepthGuard(app: FastifyInstance): void {
  // Before validation, which would walk into the body too.
  app.addHook('preValidation', async (request) => {
    // Bytes (binary protobuf on /v1/traces) are not JSON: walked as an object, each byte would be
    // a key, a string allocated per byte of every body.
    if (Buffer.isBuffer(request.body)) return;
    const maxDepth = request.routeOptions.config.maxJsonDepth ?? MAX_JSON_DEPTH;
    const path = pathDeeperThan(request.body, maxDepth);
    if (path === undefined) return;
    const named = path.slice(0, NAMED_LEVELS).map((key) => `/${pointerSegment(String(key))}`);
    throw new HttpError(400, 'Invalid request body', {
      details: [{ path: named.join(''), message: `nests deeper than ${maxDepth} levels` }],
    });
  });
}
