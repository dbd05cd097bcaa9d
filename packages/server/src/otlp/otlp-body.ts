// Request bodies of OTLP/HTTP: binary protobuf or JSON, either maybe gzipped (the spec lets
// clients gzip and say so with Content-Encoding). The body limit bounds both what arrives and what
// it inflates to: a small gzip bomb is refused with 413 once its output passes the limit, without
// ever holding more than that.

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';

export const PROTOBUF_MEDIA_TYPE = 'application/x-protobuf';
export const JSON_MEDIA_TYPE = 'application/json';

const inflate = promisify(gunzip);

export function unsupportedMediaType(request: FastifyRequest): HttpError {
  const sent = JSON.stringify(request.headers['content-type'] ?? '');
  return new HttpError(
    415,
    `Unsupported content type ${sent}: send ${PROTOBUF_MEDIA_TYPE} or ${JSON_MEDIA_TYPE}`,
  );
}

async function decoded(request: FastifyRequest, body: Buffer, maxBytes: number): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip') {
    throw new HttpError(
      415,
      `Unsupported content encoding ${JSON.stringify(encoding)}: send gzip or identity`,
    );
  }
  try {
    return await inflate(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpError(413, `Request body too large: it inflates past ${maxBytes} bytes`);
    }
    throw new HttpError(400, 'Invalid gzip body', {
      details: [{ path: '/', message: `could not be inflated: ${(error as Error).message}` }],
    });
  }
}

/**
 * In the routes' own plugin: only these two media types are taken there. A protobuf body is
 * handed on as bytes, a JSON one parsed (then checked by the route's schema).
 */
export function acceptOtlpBodies(app: FastifyInstance, maxBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    PROTOBUF_MEDIA_TYPE,
    { parseAs: 'buffer' },
    async (request: FastifyRequest, body: Buffer) => decoded(request, body, maxBytes),
  );
  app.addContentTypeParser(
    JSON_MEDIA_TYPE,
    { parseAs: 'buffer' },
    async (request: FastifyRequest, body: Buffer) => {
      const text = (await decoded(request, body, maxBytes)).toString('utf8');
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new HttpError(400, 'Invalid JSON body', {
          details: [{ path: '/', message: (error as Error).message }],
        });
      }
    },
  );
}
