// Deployments: approved fixes live as canaries, then promoted, rolled back or superseded.

import { randomUUID } from 'node:crypto';
import type { Fix, FixRisk } from '@arc-agent/core';
import type { Kysely, Selectable } from 'kysely';
import { audit } from './audit-queries.js';
import type { Database, DeploymentsTable } from './database-schema.js';
import type {
  Actor,
  ApprovalRecord,
  ConcludeDeploymentOutcome,
  DeploymentRecord,
  DeploymentStatus,
  ResultSource,
} from './learning-records.js';
import type { Storage } from './storage.js';
import {
  all,
  first,
  kyselyExecutor,
  run,
  runScriptAsync,
  type Transact,
  type TransactionScript,
} from './transaction-script.js';

export type DeploymentQueries = Pick<Storage, 'listDeployments' | 'getDeployment' | 'concludeDeployment'>;

const deploymentQuery = (db: Kysely<Database>, projectId: string) =>
  db
    .selectFrom('deployments as d')
    .innerJoin('approvals as a', 'a.id', 'd.approval_id')
    .innerJoin('learning_results as r', 'r.id', 'a.result_id')
    .selectAll('d')
    .select(['a.result_id', 'r.fix', 'r.risk', 'r.confidence', 'r.source'])
    .where('d.project_id', '=', projectId);
type DeploymentRow = Selectable<DeploymentsTable> & {
  result_id: string;
  fix: string;
  risk: string;
  confidence: number;
  source: string;
};

function deploymentFromRow(row: DeploymentRow): DeploymentRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    approvalId: row.approval_id,
    resultId: row.result_id,
    fixId: row.fix_id,
    patternId: row.pattern_id,
    function: row.function,
    fix: JSON.parse(row.fix) as Fix,
    risk: row.risk as FixRisk,
    confidence: row.confidence,
    source: row.source as ResultSource,
    version: row.version,
    canaryShare: row.canary_share,
    status: row.status as DeploymentStatus,
    treatment: {
      trials: row.treatment_trials,
      failures: row.treatment_failures,
      patternFailures: row.treatment_pattern_failures,
    },
    control: {
      trials: row.control_trials,
      failures: row.control_failures,
      patternFailures: row.control_pattern_failures,
    },
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    reason: row.reason,
  };
}

function* loadDeployments(
  db: Kysely<Database>,
  projectId: string,
  ids: readonly string[],
): TransactionScript<DeploymentRecord[]> {
  if (ids.length === 0) return [];
  const rows = yield* all(
    deploymentQuery(db, projectId).where('d.id', 'in', ids).orderBy('d.created_at').orderBy('d.id'),
  );
  return rows.map(deploymentFromRow);
}

/**
 * Deploys an approved result as a canary. None when the same fix is already live in the project
 * (approved twice through two results): it is deployed once.
 */
export function* deploy(
  db: Kysely<Database>,
  approval: ApprovalRecord,
  canaryShare: number,
  actor: Actor,
  at: number,
): TransactionScript<DeploymentRecord | null> {
  const { projectId, result } = approval;
  const live = yield* first(
    db
      .selectFrom('deployments')
      .select('id')
      .where('project_id', '=', projectId)
      .where('fix_id', '=', result.candidateId)
      .where('status', 'in', ['canary', 'promoted']),
  );
  if (live !== undefined) return null;
  const earlier = yield* first(
    db
      .selectFrom('deployments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .where('fix_id', '=', result.candidateId),
  );
  const id = randomUUID();
  yield* run(
    db.insertInto('deployments').values({
      id,
      project_id: projectId,
      approval_id: approval.id,
      fix_id: result.candidateId,
      pattern_id: result.patternId,
      function: result.function,
      version: Number(earlier?.n ?? 0) + 1,
      canary_share: canaryShare,
      status: 'canary',
      treatment_trials: 0,
      treatment_failures: 0,
      treatment_pattern_failures: 0,
      control_trials: 0,
      control_failures: 0,
      control_pattern_failures: 0,
      created_at: at,
      decided_at: null,
      reason: null,
    }),
  );
  yield* audit(db, projectId, at, actor, 'deployment.created', { type: 'deployment', id }, { canaryShare });
  const [deployment] = yield* loadDeployments(db, projectId, [id]);
  return deployment ?? null;
}

export function createDeploymentQueries(db: Kysely<Database>, transact: Transact): DeploymentQueries {
  return {
    async listDeployments(projectId, query) {
      let select = deploymentQuery(db, projectId);
      if (query.statuses !== undefined) select = select.where('d.status', 'in', query.statuses);
      if (query.function !== undefined) select = select.where('d.function', '=', query.function);
      const rows = await select
        .orderBy('d.created_at', 'desc')
        .orderBy('d.id', 'desc')
        .limit(query.limit)
        .execute();
      return rows.map(deploymentFromRow);
    },

    async getDeployment(projectId, id) {
      const [deployment] = await runScriptAsync(loadDeployments(db, projectId, [id]), kyselyExecutor(db));
      return deployment;
    },

    async concludeDeployment(projectId, id, change, at) {
      const { value } = await transact<ConcludeDeploymentOutcome>(projectId, at, function* () {
        const [current] = yield* loadDeployments(db, projectId, [id]);
        if (current === undefined) return { value: { ok: false, reason: 'not_found' }, stream: [] };
        const changed = yield* run(
          db
            .updateTable('deployments')
            .set({ status: change.status, decided_at: at, reason: change.reason })
            .where('project_id', '=', projectId)
            .where('id', '=', id)
            .where('status', 'in', change.from),
        );
        if (changed === 0) {
          return { value: { ok: false, reason: 'conflict', deployment: current }, stream: [] };
        }
        // A promoted fix replaces whatever was promoted before for the same pattern and function.
        let supersededIds: string[] = [];
        if (change.status === 'promoted') {
          const replaced = yield* all(
            db
              .updateTable('deployments')
              .set({ status: 'superseded', decided_at: at, reason: `superseded by deployment ${id}` })
              .where('project_id', '=', projectId)
              .where('pattern_id', '=', current.patternId)
              .where('function', '=', current.function)
              .where('status', '=', 'promoted')
              .where('id', '!=', id)
              .returning('id'),
          );
          supersededIds = replaced.map((r) => r.id);
        }
        yield* audit(
          db,
          projectId,
          at,
          change.actor,
          `deployment.${change.status}`,
          { type: 'deployment', id },
          {
            reason: change.reason,
            ...(supersededIds.length > 0 ? { superseded: supersededIds } : {}),
            ...change.detail,
          },
        );
        const [deployment] = yield* loadDeployments(db, projectId, [id]);
        if (deployment === undefined) throw new Error(`deployment ${id} vanished`);
        const superseded = yield* loadDeployments(db, projectId, supersededIds);
        const type = change.status === 'promoted' ? 'deployment.promoted' : 'deployment.rolled_back';
        return {
          value: { ok: true, deployment, superseded },
          stream: [{ type, data: { ...deployment, superseded: supersededIds } }],
        };
      });
      return value;
    },
  };
}
