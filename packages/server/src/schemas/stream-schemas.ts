// GET /v1/stream: where to resume from, as the standard header or (for clients that cannot set
// headers, like the browser's EventSource on first connect) as a query parameter.

import { Type } from 'typebox';

const EventIdText = Type.String({ pattern: '^[0-9]{1,15}$', description: 'Id of the last event received' });

export const StreamQuerySchema = Type.Object({ lastEventId: Type.Optional(EventIdText) });

export const StreamHeadersSchema = Type.Object({ 'last-event-id': Type.Optional(EventIdText) });

/** One event of the stream as a client parses it: OpenAPI describes text/event-stream per event. */
export const StreamEventSchema = Type.Object({
  id: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'Resume after it with Last-Event-ID' })),
  event: Type.Optional(Type.String({ description: 'The type, e.g. failures.ingested or pattern.created' })),
  data: Type.String({ description: 'The event as JSON' }),
  retry: Type.Optional(Type.Integer({ minimum: 0 })),
});
