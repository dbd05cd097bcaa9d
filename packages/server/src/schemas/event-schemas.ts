// POST /v1/events: the batch a client sends and the answer it gets. Identifiers and names have
// hard bounds (400 past them); free text and free-form values (messages, stacks, input, output,
// tag values) have none here: the ingest service truncates and marks what is too large instead.
// A declared output schema is refused past its bounds rather than truncated (a cut schema would
// be a different contract); the route checks those bounds, which JSON Schema cannot express.

import { CATEGORIES, MAX_DECLARED_SCHEMA_DEPTH, MAX_DECLARED_SCHEMA_LENGTH } from '@arc-agent/core';
import { type Static, Type } from 'typebox';
import { MAX_EPOCH_MS } from '../storable-date-time.js';

export const MAX_FUNCTION_NAME_LENGTH = 256;
export const MAX_ID_LENGTH = 200;
export const MAX_TAGS = 64;
export const MAX_FIX_IDS = 64;

export const Identifier = (description: string) =>
  Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH, description });

export const EventErrorSchema = Type.Object(
  {
    type: Type.Optional(Type.String({ description: 'Error class or type name, e.g. TypeError' })),
    message: Type.Optional(Type.String()),
    stack: Type.Optional(Type.String()),
    status: Type.Optional(Type.Integer({ minimum: 0, maximum: 999, description: 'HTTP status, when any' })),
    code: Type.Optional(
      Type.Union([Type.String(), Type.Integer()], { description: 'Error code, e.g. ETIMEDOUT or 429' }),
    ),
  },
  { description: 'What went wrong; unknown properties are ignored' },
);

/** When something happened: an RFC 3339 date-time (years 0000 to 9999, no leap second) or epoch milliseconds. */
export const TimestampSchema = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS })], {
    description,
  });

export const TagsSchema = Type.Record(Type.String(), Type.String(), {
  maxProperties: MAX_TAGS,
  propertyNames: { maxLength: MAX_ID_LENGTH },
});

export const FixIdsSchema = Type.Array(Identifier('Applied fix id'), { maxItems: MAX_FIX_IDS });

export const EventSchema = Type.Object(
  {
    id: Type.Optional(Identifier('Client event id; a retried id is stored once (idempotency)')),
    kind: Type.Enum(['failure', 'success']),
    function: Type.String({
      minLength: 1,
      maxLength: MAX_FUNCTION_NAME_LENGTH,
      description: 'Tracked function',
    }),
    agentId: Type.Optional(Type.String({ maxLength: MAX_ID_LENGTH })),
    timestamp: Type.Optional(
      TimestampSchema(
        'RFC 3339 date-time (years 0000 to 9999, no leap second) or epoch milliseconds; default: when received',
      ),
    ),
    durationMs: Type.Optional(Type.Number({ minimum: 0 })),
    error: Type.Optional(EventErrorSchema),
    input: Type.Optional(Type.Unknown({ description: 'Any JSON; bounded and redacted before storage' })),
    output: Type.Optional(Type.Unknown({ description: 'Any JSON; bounded and redacted before storage' })),
    fixIds: Type.Optional(FixIdsSchema),
    attempt: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    tags: Type.Optional(TagsSchema),
    traceId: Type.Optional(Type.String({ maxLength: MAX_ID_LENGTH })),
    outputSchema: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          `JSON Schema the function's output must satisfy, as the client declared it (plain JSON data, at most ` +
          `${MAX_DECLARED_SCHEMA_DEPTH} deep and ${MAX_DECLARED_SCHEMA_LENGTH} characters as JSON). The latest ` +
          'per function is kept; fixes force structured output against it and coerce to it.',
      }),
    ),
  },
  { description: 'One call outcome; unknown properties are ignored (newer clients, older servers)' },
);

export type EventInput = Static<typeof EventSchema>;

export function ingestBodySchema(maxEvents: number) {
  return Type.Object({ events: Type.Array(EventSchema, { maxItems: maxEvents }) });
}

export const IngestResponseSchema = Type.Object({
  accepted: Type.Integer({ description: 'Events stored by this request' }),
  duplicates: Type.Integer({ description: 'Events whose id was already stored (skipped)' }),
  patterns: Type.Array(
    Type.Object({
      id: Type.String(),
      category: Type.Enum([...CATEGORIES]),
      occurrences: Type.Integer(),
      created: Type.Boolean({ description: 'First seen in this batch' }),
    }),
  ),
});

export type IngestResponse = Static<typeof IngestResponseSchema>;
