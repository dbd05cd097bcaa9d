// /v1/keys: create (the key is in the answer once), list (never keys or hashes), revoke.

import { type Static, Type } from 'typebox';
import { MAX_KEY_NAME_LENGTH } from '../api-keys.js';
import { SCOPES } from '../storage/storage.js';
import { NulFreeText } from './nul-free-text.js';

const ScopeSchema = Type.Enum([...SCOPES], { description: 'admin implies every other scope' });

export const CreateKeyBodySchema = Type.Object(
  {
    name: NulFreeText({ maxLength: MAX_KEY_NAME_LENGTH }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export type CreateKeyBody = Static<typeof CreateKeyBodySchema>;

const IsoTime = Type.String({ format: 'date-time' });
const NullableIsoTime = Type.Union([IsoTime, Type.Null()]);

const keyProperties = {
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(ScopeSchema),
  prefix: Type.String({ description: 'The first characters of the key, safe to show' }),
  createdAt: IsoTime,
};

export const KeySummarySchema = Type.Object({
  ...keyProperties,
  revokedAt: NullableIsoTime,
  lastUsedAt: NullableIsoTime,
});

export const CreatedKeySchema = Type.Object({
  ...keyProperties,
  key: Type.String({ description: 'The full key. Shown only in this answer; store it now.' }),
});

export const KeyListSchema = Type.Object({ keys: Type.Array(KeySummarySchema) });

export const KeyParamsSchema = Type.Object({ id: NulFreeText({ maxLength: 200 }) });
