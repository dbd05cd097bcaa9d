// A body sent with a Content-Encoding (gzip, br, ...) is bytes the JSON parser cannot read as sent:
// it was answered 400 "not valid JSON" when it was gzip, and taken as plain JSON when the header
// was wrong. Every route refuses such a body with 415 naming the encoding, except the ones that
// inflate their bodies themselves (a route's `config.inflatesBodies`: /v1/traces takes gzip).

import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route undoes the Content-Encodings it takes itself. */
    inflatesBodies?: boolean;
  }
}

export function installContentEncodingGuard(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding === 'identity' || encoding === '' || request.routeOptions.config.inflatesBodies) {
      return payload;
    }
    throw new HttpError(
      415,
      `Unsupported content encoding ${JSON.stringify(encoding)}: send the body as is (identity)`,
    );
  });
}
