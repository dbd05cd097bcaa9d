// The output schemas a batch declares (an event's `outputSchema`, which the SDK attaches to some
// failure events). A schema is a contract, so one past core's bounds is refused with a 400 naming
// the event rather than truncated like free-form input; the rest become the latest schema per
// function, made storable like all client text.

import { checkDeclaredSchema, type JsonSchema } from '@arc-agent/core';
import { MAX_ERROR_DETAILS } from './error-handler.js';
import { type ErrorDetail, HttpError } from './http-error.js';
import type { EventInput } from './schemas/event-schemas.js';
import { storableJson, storableText } from './storable-text.js';

export interface DeclaredSchema {
  function: string;
  schema: JsonSchema;
}

/**
 * The schema each function declared last in the batch, in the order functions first declared one.
 * Throws an HttpError 400 naming every event whose schema is out of bounds (up to MAX_ERROR_DETAILS).
 */
export function declaredOutputSchemas(events: readonly EventInput[]): DeclaredSchema[] {
  const latest = new Map<string, JsonSchema>();
  const details: ErrorDetail[] = [];
  events.forEach((event, i) => {
    if (event.outputSchema === undefined) return;
    const check = checkDeclaredSchema(event.outputSchema);
    if (check.ok) latest.set(storableText(event.function), storableJson(check.schema) as JsonSchema);
    else details.push({ path: `/events/${i}/outputSchema`, message: check.problem });
  });
  if (details.length > 0) {
    throw new HttpError(400, 'Invalid request body', { details: details.slice(0, MAX_ERROR_DETAILS) });
  }
  return [...latest].map(([fn, schema]) => ({ function: fn, schema }));
}
