// The learning loop's Storage methods, written once for both backends: reads are plain Kysely
// queries, writes are transaction scripts (transaction-script.ts) that each backend runs in one
// transaction of its own kind, together with the stream events that describe them. Each concept
// lives in its own module; this face composes them.

import type { Kysely } from 'kysely';
import { type ApprovalQueries, createApprovalQueries } from './approval-queries.js';
import { type AuditQueries, createAuditQueries } from './audit-queries.js';
import { type CurriculumQueries, createCurriculumQueries } from './curriculum-queries.js';
import type { Database } from './database-schema.js';
import { createDeploymentQueries, type DeploymentQueries } from './deployment-queries.js';
import { createLearnerStateQueries, type LearnerStateQueries } from './learner-state-queries.js';
import { createLearningConfigQueries, type LearningConfigQueries } from './learning-config-queries.js';
import { createLearningResultQueries, type LearningResultQueries } from './learning-result-queries.js';
import { createRolloutQueries, type RolloutQueries } from './rollout-queries.js';
import type { Storage } from './storage.js';
import type { Transact } from './transaction-script.js';

export { ARC_ACTOR } from './audit-queries.js';

export type LearningQueries = LearnerStateQueries &
  RolloutQueries &
  LearningResultQueries &
  ApprovalQueries &
  DeploymentQueries &
  AuditQueries &
  LearningConfigQueries &
  CurriculumQueries;

export function createLearningQueries(
  db: Kysely<Database>,
  dialect: Storage['dialect'],
  transact: Transact,
): LearningQueries {
  return {
    ...createLearnerStateQueries(db, transact),
    ...createRolloutQueries(db, dialect, transact),
    ...createLearningResultQueries(db),
    ...createApprovalQueries(db, dialect, transact),
    ...createDeploymentQueries(db, transact),
    ...createAuditQueries(db),
    ...createLearningConfigQueries(db),
    ...createCurriculumQueries(db),
  };
}
