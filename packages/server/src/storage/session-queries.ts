// Dashboard sessions (migration 0003), the same Kysely queries for both backends.

import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import { apiKeyFromRow } from './shared-queries.js';
import type { Storage } from './storage.js';
import { run, type Transact } from './transaction-script.js';

export type SessionQueries = Pick<Storage, 'createSession' | 'findSession' | 'deleteSession'>;

export function createSessionQueries(db: Kysely<Database>, transact: Transact): SessionQueries {
  return {
    async createSession(session) {
      // Expired sessions are swept here, the one place sessions are written, so none outlive a sign-in for long.
      await db.deleteFrom('sessions').where('expires_at', '<=', session.createdAt).execute();
      await db
        .insertInto('sessions')
        .values({
          token_hash: session.tokenHash,
          project_id: session.projectId,
          key_id: session.keyId,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
        })
        .execute();
    },

    async findSession(tokenHash, now) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('api_keys', 'api_keys.id', 'sessions.key_id')
        .selectAll('api_keys')
        .select([
          'sessions.token_hash as session_token_hash',
          'sessions.created_at as session_created_at',
          'sessions.expires_at as session_expires_at',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.expires_at', '>', now)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const key = apiKeyFromRow(row);
      return {
        session: {
          tokenHash: row.session_token_hash,
          projectId: key.projectId,
          keyId: key.id,
          createdAt: row.session_created_at,
          expiresAt: row.session_expires_at,
        },
        key,
      };
    },

    async deleteSession(tokenHash) {
      const session = await db
        .selectFrom('sessions')
        .select(['project_id', 'key_id'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (session === undefined) return;
      // The stream event ends the event streams opened with this session, on every replica.
      await transact(session.project_id, Date.now(), function* () {
        const deleted = yield* run(db.deleteFrom('sessions').where('token_hash', '=', tokenHash));
        const ended = { type: 'session.ended', data: { keyId: session.key_id } };
        return { value: undefined, stream: deleted > 0 ? [ended] : [] };
      });
    },
  };
}
