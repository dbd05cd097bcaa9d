// Retention's one Storage method (event-retention.ts runs it): deletes a batch of a project's
// oldest events, and with them the example slots that point at them, in one transaction. A
// reservoir that loses examples is compacted (its survivors take slots 0..r-1) and restarts its
// sampling from them (its counter set to r), so new failures refill it at once instead of at the
// rate size/occurrences. Pattern occurrences and function counts are lifetime totals: retention
// deletes events, not counts, so those never go down or disagree with each other mid-sweep.

import { type Kysely, sql } from 'kysely';
import type { Database } from './database-schema.js';
import type { Storage } from './storage.js';
import { all, run, type Transact, type TransactionScript } from './transaction-script.js';

export type RetentionQueries = Pick<Storage, 'deleteEventsBefore'>;

/** A reservoir table, the column naming its owner, and the owner's row holding its sample counter. */
interface Reservoir {
  slots: 'failure_examples' | 'success_examples';
  owner: 'pattern_id' | 'function';
  counter: {
    table: 'patterns' | 'function_stats';
    key: 'id' | 'function';
    column: 'sampled' | 'success_sampled';
  };
}

const RESERVOIRS: readonly Reservoir[] = [
  {
    slots: 'failure_examples',
    owner: 'pattern_id',
    counter: { table: 'patterns', key: 'id', column: 'sampled' },
  },
  {
    slots: 'success_examples',
    owner: 'function',
    counter: { table: 'function_stats', key: 'function', column: 'success_sampled' },
  },
];

export function createRetentionQueries(
  db: Kysely<Database>,
  dialect: Storage['dialect'],
  transact: Transact,
): RetentionQueries {
  return {
    async deleteEventsBefore(projectId, before, limit) {
      const { value } = await transact(projectId, Date.now(), function* () {
        const expiring = yield* all(
          db
            .selectFrom('events')
            .select('id')
            .where('project_id', '=', projectId)
            .where('timestamp', '<', before)
            .orderBy('timestamp')
            .orderBy('id')
            .limit(limit),
        );
        const ids = expiring.map((row) => row.id);
        if (ids.length === 0) return { value: 0, stream: [] };
        for (const reservoir of RESERVOIRS) {
          yield* releaseSlots(db, dialect === 'postgres', projectId, ids, reservoir);
        }
        const deleted = yield* run(
          db.deleteFrom('events').where('project_id', '=', projectId).where('id', 'in', ids),
        );
        return { value: deleted, stream: [] };
      });
      return value;
    },
  };
}

/** Deletes the slots pointing at `ids`, compacts their reservoirs and restarts their counters. */
function* releaseSlots(
  db: Kysely<Database>,
  pg: boolean,
  projectId: string,
  ids: readonly string[],
  { slots, owner, counter }: Reservoir,
): TransactionScript<void> {
  const hit = yield* all<{ owner: string }>(
    sql`SELECT DISTINCT ${sql.ref(owner)} AS owner FROM ${sql.table(slots)}
        WHERE project_id = ${projectId} AND event_id IN (${sql.join(ids)})`.compile(db),
  );
  if (hit.length === 0) return;
  const owners = hit.map((row) => row.owner).sort();
  // Ingest locks a pattern's (and a function's) row before it writes the reservoir's slots; taking
  // the same locks first, in the same order, keeps a concurrent ingest from deadlocking with this.
  if (pg) {
    yield sql`SELECT 1 FROM ${sql.table(counter.table)}
              WHERE project_id = ${projectId} AND ${sql.ref(counter.key)} IN (${sql.join(owners)})
              ORDER BY ${sql.ref(counter.key)} COLLATE "C" FOR UPDATE`.compile(db);
  }
  // Read under those locks: what a concurrent ingest wrote is committed and seen.
  const held = yield* all<{ owner: string; slot: number; event_id: string }>(
    sql`SELECT ${sql.ref(owner)} AS owner, slot, event_id FROM ${sql.table(slots)}
        WHERE project_id = ${projectId} AND ${sql.ref(owner)} IN (${sql.join(owners)})
        ORDER BY ${sql.ref(owner)}, slot`.compile(db),
  );
  const expiring = new Set(ids);
  const byOwner = new Map<string, { slot: number; expires: boolean }[]>();
  for (const row of held) {
    const list = byOwner.get(row.owner) ?? [];
    list.push({ slot: Number(row.slot), expires: expiring.has(row.event_id) });
    byOwner.set(row.owner, list);
  }
  for (const [name, list] of byOwner) {
    if (!list.some((s) => s.expires)) continue;
    yield* run(
      sql`DELETE FROM ${sql.table(slots)}
          WHERE project_id = ${projectId} AND ${sql.ref(owner)} = ${name} AND event_id IN (${sql.join(ids)})`.compile(
        db,
      ),
    );
    // Ascending, each survivor moves down into a slot already vacated.
    const survivors = list.filter((s) => !s.expires);
    for (const [index, { slot }] of survivors.entries()) {
      if (slot === index) continue;
      yield* run(
        sql`UPDATE ${sql.table(slots)} SET slot = ${index}
            WHERE project_id = ${projectId} AND ${sql.ref(owner)} = ${name} AND slot = ${slot}`.compile(db),
      );
    }
    yield* run(
      sql`UPDATE ${sql.table(counter.table)} SET ${sql.ref(counter.column)} = ${survivors.length}
          WHERE project_id = ${projectId} AND ${sql.ref(counter.key)} = ${name}`.compile(db),
    );
  }
}
