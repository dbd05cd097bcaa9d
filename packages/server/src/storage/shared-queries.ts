// The Storage methods both backends run identically: plain Kysely queries over the Database
// schema. Only ingest, the stream's append and subscribe, migrate and close differ by dialect.

import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { ApiKeysTable, Database, PatternsTable, StreamEventsTable } from './database-schema.js';
import { isOverflowPattern } from './pattern-cap.js';
import { decodePatternCursor, encodePatternCursor } from './pattern-cursor.js';
import type {
  ApiKeyRecord,
  Category,
  ExampleRecord,
  PatternRecord,
  PreparedEvent,
  Project,
  Scope,
  Storage,
  StreamEvent,
} from './storage.js';
import { eventFromStored } from './stored-event.js';
import { run, type Transact } from './transaction-script.js';

export type SharedQueries = Pick<
  Storage,
  | 'ping'
  | 'ensureProject'
  | 'getProject'
  | 'findProjectByName'
  | 'createApiKey'
  | 'findApiKeyByHash'
  | 'listApiKeys'
  | 'revokeApiKey'
  | 'touchApiKey'
  | 'countEvents'
  | 'listEventIds'
  | 'listPatterns'
  | 'getPattern'
  | 'getPatterns'
  | 'listFailureExamples'
  | 'listSuccessExamples'
  | 'listFunctionStats'
  | 'countFailures'
  | 'scanEvents'
  | 'listStreamEventsAfter'
  | 'latestStreamEventId'
>;

export function createSharedQueries(db: Kysely<Database>, transact: Transact): SharedQueries {
  const getPatterns: SharedQueries['getPatterns'] = async (projectId, patternIds) => {
    // `in ()` is not SQL.
    if (patternIds.length === 0) return [];
    const rows = await db
      .selectFrom('patterns')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', 'in', patternIds)
      .execute();
    const byId = new Map(rows.map((row) => [row.id, patternFromRow(row)]));
    return patternIds.flatMap((id) => byId.get(id) ?? []);
  };

  return {
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },

    async ensureProject(name) {
      await db
        .insertInto('projects')
        .values({ id: randomUUID(), name, created_at: Date.now() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db
        .selectFrom('projects')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return projectFromRow(row);
    },

    async getProject(id) {
      const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : projectFromRow(row);
    },

    async findProjectByName(name) {
      const row = await db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : projectFromRow(row);
    },

    async createApiKey(key) {
      const row = {
        id: randomUUID(),
        project_id: key.projectId,
        name: key.name,
        scopes: JSON.stringify(key.scopes),
        prefix: key.prefix,
        key_hash: key.keyHash,
        created_at: Date.now(),
        revoked_at: null,
        last_used_at: null,
      };
      await db.insertInto('api_keys').values(row).execute();
      return apiKeyFromRow(row);
    },

    async findApiKeyByHash(keyHash) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row === undefined ? undefined : apiKeyFromRow(row);
    },

    async listApiKeys(projectId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('project_id', '=', projectId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(apiKeyFromRow);
    },

    async revokeApiKey(projectId, keyId) {
      const at = Date.now();
      // The stream event ends the key's open event streams, on every replica sharing the database.
      const { value } = await transact(projectId, at, function* () {
        const changed = yield* run(
          db
            .updateTable('api_keys')
            .set({ revoked_at: at })
            .where('project_id', '=', projectId)
            .where('id', '=', keyId)
            .where('revoked_at', 'is', null),
        );
        return { value: changed > 0, stream: changed > 0 ? [{ type: 'key.revoked', data: { keyId } }] : [] };
      });
      return value;
    },

    async touchApiKey(keyId, at) {
      // Never moves backwards when requests finish out of order.
      await db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', keyId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute();
    },

    async countEvents(projectId) {
      const row = await db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async listEventIds(projectId) {
      const rows = await db
        .selectFrom('events')
        .select('id')
        .where('project_id', '=', projectId)
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async listPatterns(projectId, query) {
      const column = query.sort === 'occurrences' ? 'occurrences' : 'last_seen';
      let select = db.selectFrom('patterns').selectAll().where('project_id', '=', projectId);
      if (query.category !== undefined) select = select.where('category', '=', query.category);
      if (query.function !== undefined) select = select.where('function', '=', query.function);
      if (query.cursor !== undefined) {
        const after = decodePatternCursor(query.cursor, query.sort);
        select = select.where((eb) =>
          eb.or([
            eb(column, '<', after.value),
            eb.and([eb(column, '=', after.value), eb('id', '>', after.id)]),
          ]),
        );
      }
      const rows = await select
        .orderBy(column, 'desc')
        .orderBy('id')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit).map(patternFromRow);
      const last = page.at(-1);
      const nextCursor =
        rows.length > query.limit && last !== undefined
          ? encodePatternCursor({
              sort: query.sort,
              value: query.sort === 'occurrences' ? last.occurrences : last.lastSeen,
              id: last.id,
            })
          : null;
      return { patterns: page, nextCursor };
    },

    async getPattern(projectId, patternId) {
      return (await getPatterns(projectId, [patternId]))[0];
    },

    getPatterns,

    async listFailureExamples(projectId, patternId) {
      const rows = await db
        .selectFrom('failure_examples as x')
        .innerJoin('events as e', (join) =>
          join.onRef('e.project_id', '=', 'x.project_id').onRef('e.id', '=', 'x.event_id'),
        )
        .select('e.data')
        .where('x.project_id', '=', projectId)
        .where('x.pattern_id', '=', patternId)
        .orderBy('x.slot')
        .execute();
      return rows.map((r) => exampleFromEventData(r.data));
    },

    async listSuccessExamples(projectId, functionName) {
      const rows = await db
        .selectFrom('success_examples as x')
        .innerJoin('events as e', (join) =>
          join.onRef('e.project_id', '=', 'x.project_id').onRef('e.id', '=', 'x.event_id'),
        )
        .select('e.data')
        .where('x.project_id', '=', projectId)
        .where('x.function', '=', functionName)
        .orderBy('x.slot')
        .execute();
      return rows.map((r) => exampleFromEventData(r.data));
    },

    async listFunctionStats(projectId, page) {
      const after = page?.after;
      const prefix = page?.prefix;
      const rows = await db
        .selectFrom('function_stats')
        .selectAll()
        .where('project_id', '=', projectId)
        .$if(after !== undefined, (q) => q.where('function', '>', after as string))
        // substr counts characters (code points) on both backends; unlike LIKE, it has no
        // wildcards to escape and is case-sensitive on both.
        .$if(prefix !== undefined, (q) =>
          q.where(sql`substr(function, 1, ${[...(prefix as string)].length})`, '=', prefix as string),
        )
        .orderBy('function')
        .$if(page !== undefined, (q) => q.limit(page?.limit ?? 0))
        .execute();
      return rows.map((r) => ({
        function: r.function,
        successes: r.successes,
        failures: r.failures,
        lastSeen: r.last_seen,
      }));
    },

    async countFailures(projectId) {
      const row = await db
        .selectFrom('function_stats')
        .select((eb) => eb.fn.sum<number | string | null>('failures').as('failures'))
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return Number(row?.failures ?? 0);
    },

    async scanEvents(projectId, query) {
      // A failure stored without its fingerprint takes it from its pattern's row (stored-event.ts).
      let select = db
        .selectFrom('events as e')
        .leftJoin('patterns as p', (join) =>
          join.onRef('p.project_id', '=', 'e.project_id').onRef('p.id', '=', 'e.pattern_id'),
        )
        .select([
          'e.data',
          'e.pattern_id',
          'p.category',
          'p.error_type',
          'p.normalized_message',
          'p.signature',
        ])
        .where('e.project_id', '=', projectId);
      if (query.afterId !== undefined) select = select.where('e.id', '>', query.afterId);
      if (query.since !== undefined) select = select.where('e.timestamp', '>=', query.since);
      const only = query.only;
      if (only !== undefined) {
        select = select.where((eb) => {
          const either = [];
          if (only.patternIds.length > 0) either.push(eb('e.pattern_id', 'in', only.patternIds));
          if (only.functions.length > 0) {
            either.push(eb.and([eb('e.kind', '=', 'success'), eb('e.function', 'in', only.functions)]));
          }
          // Kysely writes an empty `or` as false: nothing matches.
          return eb.or(either);
        });
      }
      const rows = await select.orderBy('e.id').limit(query.limit).execute();
      return rows.map((r) => eventFromStored(r.data, r.pattern_id, r));
    },

    async listStreamEventsAfter(projectId, afterId, limit) {
      const rows = await db
        .selectFrom('stream_events')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(streamEventFromRow);
    },

    async latestStreamEventId(projectId) {
      const row = await db
        .selectFrom('stream_events')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return Number(row?.id ?? 0);
    },
  };
}

/**
 * Deletes all but the newest `keep` stream events of a project. Run inside the writer's
 * transaction (on SQLite compiled and run synchronously), so a failure rolls the batch back.
 */
export function pruneStreamQuery(db: Kysely<Database>, projectId: string, keep: number) {
  return db
    .deleteFrom('stream_events')
    .where('project_id', '=', projectId)
    .where('id', '<', (eb) =>
      eb
        .selectFrom('stream_events')
        .select('id')
        .where('project_id', '=', projectId)
        .orderBy('id', 'desc')
        .limit(1)
        .offset(keep - 1),
    );
}

function projectFromRow(row: Selectable<Database['projects']>): Project {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

export function apiKeyFromRow(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    prefix: row.prefix,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

function patternFromRow(row: Selectable<PatternsTable>): PatternRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    category: row.category as Category,
    function: row.function,
    errorType: row.error_type,
    normalizedMessage: row.normalized_message,
    signature: JSON.parse(row.signature) as object,
    occurrences: row.occurrences,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    overflow: isOverflowPattern(row),
  };
}

function exampleFromEventData(data: string): ExampleRecord {
  const event = JSON.parse(data) as PreparedEvent;
  return {
    eventId: event.id,
    agentId: event.agentId,
    timestamp: event.timestamp,
    input: event.input ?? null,
    output: event.output ?? null,
    error: event.error,
    traceId: event.traceId ?? null,
  };
}

export function streamEventFromRow(row: Selectable<StreamEventsTable>): StreamEvent {
  return { id: row.id, projectId: row.project_id, type: row.type, at: row.at, data: JSON.parse(row.data) };
}
