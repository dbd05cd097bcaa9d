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
  /** The whole PreparedEvent as JSON. */
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
}
