// GET /v1/patterns, GET /v1/patterns/:id and GET /v1/functions. Times are ISO 8601 strings.

import { CATEGORIES } from '@arc-agent/core';
import { type Static, Type } from 'typebox';
import { EventErrorSchema, MAX_FUNCTION_NAME_LENGTH } from './event-schemas.js';
import { NulFreeText } from './nul-free-text.js';

export const MAX_PATTERN_PAGE = 200;
/** Patterns one GET /v1/patterns?ids=… names (one lookup each). */
export const MAX_PATTERN_IDS = 40;
/**
 * Characters of `?ids=`: room for MAX_PATTERN_IDS of the server's ids (21 characters with their
 * comma), and short enough that a list one past it, even percent-encoded, still fits Node's 16 KiB
 * of request headers and gets the 400 that names it rather than a 431.
 */
export const MAX_PATTERN_IDS_LENGTH = 1000;
/** Functions per page of GET /v1/functions: each may carry a declared schema of up to 32 KiB. */
export const MAX_FUNCTION_PAGE = 200;

const IsoTime = Type.String({ format: 'date-time' });

const PageCursor = Type.Optional(
  NulFreeText({ maxLength: 1000, description: 'nextCursor of the previous page' }),
);

export const PatternListQuerySchema = Type.Object({
  category: Type.Optional(Type.Enum([...CATEGORIES])),
  function: Type.Optional(NulFreeText({ maxLength: MAX_FUNCTION_NAME_LENGTH })),
  sort: Type.Enum(['occurrences', 'lastSeen'], { default: 'occurrences' }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_PATTERN_PAGE, default: 50 }),
  cursor: PageCursor,
  ids: Type.Optional(
    NulFreeText({
      minLength: 1,
      maxLength: MAX_PATTERN_IDS_LENGTH,
      description: `only these patterns, comma-separated (at most ${MAX_PATTERN_IDS}, ${MAX_PATTERN_IDS_LENGTH} characters in all), in this order; unknown ids are left out. Not with category, function or cursor`,
    }),
  ),
});

export type PatternListQuery = Static<typeof PatternListQuerySchema>;

const patternProperties = {
  id: Type.String(),
  category: Type.Enum([...CATEGORIES]),
  function: Type.String(),
  errorType: Type.String(),
  normalizedMessage: Type.String(),
  occurrences: Type.Integer({
    description: 'Every failure ever ingested (retention deletes events, not counts)',
  }),
  firstSeen: IsoTime,
  lastSeen: IsoTime,
  overflow: Type.Boolean({
    description:
      "The function's overflow pattern: the failures of new patterns past the limit of patterns per function",
  }),
};

export const PatternSummarySchema = Type.Object(patternProperties);

export const PatternListSchema = Type.Object({
  patterns: Type.Array(PatternSummarySchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const PatternParamsSchema = Type.Object({ id: NulFreeText({ maxLength: 200 }) });

export const ExampleSchema = Type.Object({
  eventId: Type.String(),
  agentId: Type.Union([Type.String(), Type.Null()]),
  timestamp: IsoTime,
  input: Type.Unknown(),
  output: Type.Unknown(),
  error: Type.Union([Type.Object(EventErrorSchema.properties), Type.Null()]),
  traceId: Type.Union([Type.String(), Type.Null()], {
    description: 'The trace of the call (OpenTelemetry trace id for spans sent to /v1/traces)',
  }),
});

export const PatternDetailSchema = Type.Object({
  ...patternProperties,
  signature: Type.Record(Type.String(), Type.Unknown(), {
    description: 'What identifies the pattern: function, error type, normalised message, category, shapes',
  }),
  examples: Type.Array(ExampleSchema, { description: 'Replayable failing calls (a reservoir sample)' }),
});

export const FunctionListQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: MAX_FUNCTION_PAGE, default: 50 }),
  cursor: PageCursor,
  prefix: Type.Optional(
    NulFreeText({
      maxLength: MAX_FUNCTION_NAME_LENGTH,
      description: 'only functions whose name starts with this text (case-sensitive)',
    }),
  ),
});

export const FunctionListSchema = Type.Object({
  functions: Type.Array(
    Type.Object({
      function: Type.String(),
      successes: Type.Integer(),
      failures: Type.Integer(),
      lastSeen: IsoTime,
      outputSchema: Type.Optional(
        Type.Object(
          {
            schema: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema' }),
            declaredAt: Type.String({
              format: 'date-time',
              description: 'When this schema was first received',
            }),
          },
          { description: "The output schema the function's tracking declared last, when it declared one" },
        ),
      ),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as cursor for the next page (functions by name); null on the last page',
  }),
});
