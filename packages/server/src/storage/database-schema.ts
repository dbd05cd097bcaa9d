// The tables as Kysely sees them (migrations/ creates them). Both drivers hand JSON columns back as
// raw text (the PostgreSQL storage turns off pg's JSON parsing) and int8 as numbers, so these row
// types hold for SQLite and PostgreSQL alike and one set of queries serves both.

import type { Generated } from 'kysely';

export interface ProjectsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  name: string;
  /** JSON array of scopes. */
  scopes: string;
  prefix: string;
  key_hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface EventsTable {
  project_id: string;
  id: string;
  kind: 'failure' | 'success';
  function: string;
  pattern_id: string | null;
  timestamp: number;
  /** The PreparedEvent as JSON; a failure without the fingerprint its pattern's row holds (stored-event.ts). */
  data: string;
}

export interface PatternsTable {
  project_id: string;
  id: string;
  category: string;
  function: string;
  error_type: string;
  normalized_message: string;
  /** JSON object. */
  signature: string;
  occurrences: number;
  first_seen: number;
  last_seen: number;
  /** Failures the example reservoir has sampled from (0006): occurrences, restarted by retention. */
  sampled: Generated<number>;
}

/** One reservoir slot of a pattern's replay examples; the example is the event it points to. */
export interface FailureExamplesTable {
  project_id: string;
  pattern_id: string;
  slot: number;
  event_id: string;
}

export interface FunctionStatsTable {
  project_id: string;
  function: string;
  successes: number;
  failures: number;
  last_seen: number;
  /** Successes the example reservoir has sampled from (0006): successes, restarted by retention. */
  success_sampled: Generated<number>;
}

export interface SuccessExamplesTable {
  project_id: string;
  function: string;
  slot: number;
  event_id: string;
}

export interface StreamEventsTable {
  id: Generated<number>;
  project_id: string;
  type: string;
  at: number;
  /** JSON value. */
  data: string;
}

export interface Database {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  events: EventsTable;
  patterns: PatternsTable;
  failure_examples: FailureExamplesTable;
  function_stats: FunctionStatsTable;
  success_examples: SuccessExamplesTable;
  stream_events: StreamEventsTable;
  learner_state: LearnerStateTable;
  rollout_jobs: RolloutJobsTable;
  learning_results: LearningResultsTable;
  approvals: ApprovalsTable;
  audit_log: AuditLogTable;
  deployments: DeploymentsTable;
  learning_config: LearningConfigTable;
  curricula: CurriculaTable;
  sessions: SessionsTable;
  output_schemas: OutputSchemasTable;
}

// The learning loop (migration 0002).

export interface LearnerStateTable {
  project_id: string;
  step: number;
  /** The learner's state as JSON (core's LearnerState). */
  state: string;
  /** Failures the project had ingested when the last step began (the every-N-failures trigger). */
  failures_seen: number;
  updated_at: number;
}

export interface RolloutJobsTable {
  id: string;
  project_id: string;
  step: number;
  pattern_id: string;
  example_id: string;
  source: string;
  /** JSON value. */
  input: string;
  candidate_id: string;
  /** JSON fix, null for "no fix". */
  fix: string | null;
  function: string;
  group_id: string;
  status: string;
  lease_owner: string | null;
  lease_expires_at: number | null;
  attempts: number;
  reward: number | null;
  /** JSON value. */
  output: string | null;
  error: string | null;
  duration_ms: number | null;
  created_at: number;
  completed_at: number | null;
}

export interface LearningResultsTable {
  id: string;
  project_id: string;
  step: number;
  pattern_id: string;
  function: string;
  candidate_id: string;
  /** JSON fix. */
  fix: string;
  risk: string;
  origin: string;
  rationale: string;
  improvement: number;
  confidence: number;
  success_rate: number;
  incumbent_success_rate: number;
  trials: number;
  examples: number;
  created_at: number;
  /** learner or person (0004). */
  source: string;
  proposed_by: string | null;
  proposed_by_key_id: string | null;
}

export interface ApprovalsTable {
  id: string;
  project_id: string;
  result_id: string;
  status: string;
  /** JSON impact assessment. */
  impact: string;
  decided_by: string | null;
  decided_by_key_id: string | null;
  comment: string | null;
  created_at: number;
  decided_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  project_id: string;
  at: number;
  actor: string;
  actor_key_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  /** JSON object. */
  detail: string;
}

export interface DeploymentsTable {
  id: string;
  project_id: string;
  approval_id: string;
  fix_id: string;
  pattern_id: string;
  function: string;
  version: number;
  canary_share: number;
  status: string;
  treatment_trials: number;
  treatment_failures: number;
  treatment_pattern_failures: number;
  control_trials: number;
  control_failures: number;
  control_pattern_failures: number;
  created_at: number;
  decided_at: number | null;
  reason: string | null;
}

export interface LearningConfigTable {
  project_id: string;
  /** JSON object: the settings that differ from the defaults. */
  config: string;
  updated_at: number;
}

export interface CurriculaTable {
  project_id: string;
  name: string;
  /** JSON: core's SecCurriculumJSON. */
  state: string;
  version: number;
  updated_at: number;
}

// Dashboard sessions (migration 0003).

export interface SessionsTable {
  /** SHA-256 hex of the session token; the token itself lives only in the browser's cookie. */
  token_hash: string;
  project_id: string;
  key_id: string;
  created_at: number;
  expires_at: number;
}

// Declared output schemas (migration 0005).

export interface OutputSchemasTable {
  project_id: string;
  function: string;
  /** The schema as canonical JSON (sorted keys), so an unchanged declaration compares equal. */
  schema: string;
  /** When this schema replaced a different one (or was first declared). */
  declared_at: number;
}
