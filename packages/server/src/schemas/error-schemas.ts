// The JSON body of every error answer, and the response entries routes list for OpenAPI.

import { type TSchema, Type } from 'typebox';

export const ErrorDetailSchema = Type.Object({
  path: Type.String({ description: 'JSON Pointer to the offending field, e.g. /events/3/function' }),
  message: Type.String(),
});

export const ErrorBodySchema = Type.Object(
  {
    error: Type.String(),
    details: Type.Optional(Type.Array(ErrorDetailSchema)),
  },
  { description: 'An error' },
);

const DESCRIPTIONS = {
  400: 'Invalid request (details name the fields)',
  401: 'Missing, malformed, unknown or revoked API key',
  403: 'The key lacks the scope this route needs',
  404: 'Not found (or belongs to another project)',
  409: 'Conflicts with the current state (already decided, leased to another worker, step ended)',
  413: 'Request body too large',
  415: 'Unsupported content type (send application/json)',
  429: 'Too many requests, or event streams, for this key or server: retry after Retry-After seconds',
  503: 'Not ready, or the database cannot serve just now: retry after Retry-After seconds',
} as const;

export type ErrorStatus = keyof typeof DESCRIPTIONS;

/** Response schemas for the error statuses a route can answer with. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, TSchema> {
  const out = {} as Record<S, TSchema>;
  for (const status of statuses)
    out[status] = Type.Object(ErrorBodySchema.properties, { description: DESCRIPTIONS[status] });
  return out;
}
