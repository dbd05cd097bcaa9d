// GET /v1/export: the recorded calls of the key's project, streamed in the format asked for
// (export/). Read scope: the records are what GET /v1/patterns/:id already shows, redacted as stored.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  EXPORT_CONTENT_TYPES,
  EXPORT_EXTENSIONS,
  encodeExport,
  exportRecords,
  MAX_EXPORT_PATTERNS,
  UnknownPatternError,
} from '../export/index.js';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { MAX_ID_LENGTH } from '../schemas/event-schemas.js';
import { ExportQuerySchema, ExportResponseSchema } from '../schemas/export-schemas.js';
import { BEARER_SECURITY, type RouteDeps } from './route-deps.js';

function badPatterns(message: string): HttpError {
  return new HttpError(400, 'Invalid query string', { details: [{ path: '/patterns', message }] });
}

function parsePatterns(text: string): string[] {
  const ids = text.split(',');
  if (ids.length > MAX_EXPORT_PATTERNS) throw badPatterns(`at most ${MAX_EXPORT_PATTERNS} pattern ids`);
  for (const id of ids) {
    if (id === '' || id.length > MAX_ID_LENGTH) {
      throw badPatterns(`each pattern id must have 1 to ${MAX_ID_LENGTH} characters`);
    }
  }
  return ids;
}

export const exportRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { storage, requireScope }) => {
  app.get(
    '/export',
    {
      schema: {
        summary: 'Recorded calls (failures per pattern and successes) as JSONL, Parquet, or VERL/TRL data',
        tags: ['export'],
        security: BEARER_SECURITY,
        querystring: ExportQuerySchema,
        response: { 200: ExportResponseSchema, ...errorResponses(400, 401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request, reply) => {
      const { format, patterns, since } = request.query;
      const patternIds = patterns === undefined ? undefined : parsePatterns(patterns);
      let records: Awaited<ReturnType<typeof exportRecords>>;
      try {
        records = await exportRecords(storage, request.auth!.projectId, {
          ...(patternIds !== undefined ? { patternIds } : {}),
          ...(since !== undefined ? { since: Date.parse(since) } : {}),
        });
      } catch (error) {
        if (error instanceof UnknownPatternError) throw badPatterns(error.message);
        throw error;
      }
      return reply
        .type(EXPORT_CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="arc-export.${EXPORT_EXTENSIONS[format]}"`)
        .send(encodeExport(format, records));
    },
  );
};
