// GET /v1/stream: where to resume from, as the standard header or (for clients that cannot set
// headers, like the browser's EventSource on first connect) as a query parameter.

import { Type } from 'typebox';

const EventIdText = Type.String({ pattern: '^[0-9]{1,15}$', description: 'Id of the last event received' });

export const StreamQuerySchema = Type.Object({ lastEventId: Type.Optional(EventIdText) });

export const StreamHeadersSchema = Type.Object({ 'last-event-id': Type.Optional(EventIdText) });
