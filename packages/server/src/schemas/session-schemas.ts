// /v1/session: the dashboard signs in with a key and is then known by a session cookie.

import { Type } from 'typebox';
import { SCOPES } from '../storage/storage.js';

export const SignInBodySchema = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 200, description: 'An API key with the read or admin scope' }),
});

export const SessionSchema = Type.Object({
  project: Type.Object({ id: Type.String(), name: Type.String() }),
  key: Type.Object({
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the key, safe to show' }),
  }),
  scopes: Type.Array(Type.Enum([...SCOPES])),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the session ends; null when the request carried a Bearer key instead of the cookie',
  }),
});
