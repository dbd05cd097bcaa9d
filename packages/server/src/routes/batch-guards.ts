// Checks every batch-ingest route (events, feedback) makes beyond its JSON Schema.

import type { preValidationAsyncHookHandler } from 'fastify';
import { HttpError } from '../http-error.js';

/**
 * Refuses a batch of more than `max` items under `key` before schema validation, so that an
 * oversized batch is refused without Ajv visiting (and reporting errors for) every one of its items.
 */
export function refuseOversizedBatch(key: string, max: number): preValidationAsyncHookHandler {
  return async (request) => {
    const items = (request.body as Record<string, unknown> | null)?.[key];
    if (Array.isArray(items) && items.length > max) {
      throw new HttpError(400, `Too many ${key}`, {
        details: [{ path: `/${key}`, message: `must NOT have more than ${max} items` }],
      });
    }
  };
}
