// The audit log: the script every learning-loop decision writes its entry with, and its listing.

import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { Actor, AuditEntry } from './learning-records.js';
import { json } from './learning-rows.js';
import type { Storage } from './storage.js';
import { run, type TransactionScript } from './transaction-script.js';

export type AuditQueries = Pick<Storage, 'listAuditLog'>;

/** Who the audit log names for what Arc decides by itself. */
export const ARC_ACTOR: Actor = { name: 'arc', keyId: null };

export function* audit(
  db: Kysely<Database>,
  projectId: string,
  at: number,
  actor: Actor,
  action: string,
  subject: { type: AuditEntry['subjectType']; id: string },
  detail: Record<string, unknown>,
): TransactionScript<void> {
  yield* run(
    db.insertInto('audit_log').values({
      project_id: projectId,
      at,
      actor: actor.name,
      actor_key_id: actor.keyId,
      action,
      subject_type: subject.type,
      subject_id: subject.id,
      detail: json(detail),
    }),
  );
}

export function createAuditQueries(db: Kysely<Database>): AuditQueries {
  return {
    async listAuditLog(projectId, query) {
      let select = db.selectFrom('audit_log').selectAll().where('project_id', '=', projectId);
      if (query.subjectId !== undefined) select = select.where('subject_id', '=', query.subjectId);
      const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map((r) => ({
        id: r.id,
        projectId: r.project_id,
        at: r.at,
        actor: r.actor,
        actorKeyId: r.actor_key_id,
        action: r.action,
        subjectType: r.subject_type as AuditEntry['subjectType'],
        subjectId: r.subject_id,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      }));
    },
  };
}
