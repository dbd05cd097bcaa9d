// The output schemas a batch declares (an event's `outputSchema`, which the SDK attaches to some
// failure events). A schema is a contract, so one past core's bounds is refused with a 400 naming
// the event rather than truncated like free-form input; the rest become the latest schema per
// function, redacted and made storable like all client text (client-text.ts).

import { checkDeclaredSchema, type JsonSchema } from '@arc-agent/core';
import { clientIdentifier, clientSchema } from './client-text.js';
import { MAX_ERROR_DETAILS } from './error-handler.js';
import { type ErrorDetail, HttpError } from './http-error.js';
import { type EventInput, MAX_FUNCTION_NAME_LENGTH } from './schemas/event-schemas.js';

export interface DeclaredSchema {
  function: string;
  schema: JsonSchema;
}

/**
 * The schema each function declared last in the batch, in the order functions first declared one;
 * functions are named as the events name them (`credential` keys their placeholders). Throws an
 * HttpError 400 naming every event whose schema is out of bounds (up to MAX_ERROR_DETAILS).
 */
export function declaredOutputSchemas(events: readonly EventInput[], credential: string): DeclaredSchema[] {
  const latest = new Map<string, JsonSchema>();
  const details: ErrorDetail[] = [];
  events.forEach((event, i) => {
    if (event.outputSchema === undefined) return;
    const check = checkDeclaredSchema(event.outputSchema);
    if (check.ok)
      latest.set(
        clientIdentifier(event.function, credential, MAX_FUNCTION_NAME_LENGTH),
        clientSchema(check.schema),
      );
    else details.push({ path: `/events/${i}/outputSchema`, message: check.problem });
  });
  if (details.length > 0) {
    throw new HttpError(400, 'Invalid request body', { details: details.slice(0, MAX_ERROR_DETAILS) });
  }
  return [...latest].map(([fn, schema]) => ({ function: fn, schema }));
}
