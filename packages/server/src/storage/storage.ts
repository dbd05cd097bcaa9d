// The one storage interface of the server (DESIGN.md section 7). Two implementations live beside
// it, `sqlite-storage.ts` and `postgres-storage.ts`, both over Kysely; the same test suite runs
// against each. All times are epoch milliseconds. Everything handed in here is already validated,
// redacted and truncated by the ingest service: storage persists, it does not police content.

import type { Category } from '@arc-agent/core';

export type { Category };

export type Scope = 'ingest' | 'worker' | 'read' | 'admin';
export const SCOPES: readonly Scope[] = ['ingest', 'worker', 'read', 'admin'];

export interface Project {
  id: string;
  name: string;
  createdAt: number;
}

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  name: string;
  scopes: Scope[];
  /** The first characters of the key, safe to show (e.g. `arc_k1Fz`). */
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface NewApiKey {
  projectId: string;
  name: string;
  scopes: Scope[];
  prefix: string;
  /** SHA-256 hex of the full key; the key itself is never stored. */
  keyHash: string;
}

export interface EventError {
  type?: string;
  message?: string;
  stack?: string;
  status?: number;
  code?: string;
}

/** An event as the ingest service hands it to storage: validated, redacted, bounded. */
export interface PreparedEvent {
  /** Client-supplied id (idempotency key) or one the server generated. Unique per project. */
  id: string;
  kind: 'failure' | 'success';
  function: string;
  agentId: string | null;
  timestamp: number;
  durationMs: number | null;
  error: EventError | null;
  input: unknown;
  output: unknown;
  fixIds: string[];
  attempt: number | null;
  tags: Record<string, string>;
  traceId: string | null;
  /** Present exactly when kind is 'failure' (computed with core's fingerprintFailure). */
  fingerprint: {
    patternId: string;
    category: Category;
    normalizedMessage: string;
    errorType: string;
    signature: object;
  } | null;
}

export interface IngestOptions {
  /** Replay examples kept per pattern (reservoir sampling, Algorithm R). */
  failureReservoirSize: number;
  /** Successful examples kept per function (reservoir sampling). */
  successReservoirSize: number;
  /** Randomness for the reservoirs, in [0, 1). Handed in so tests can seed it. */
  random: () => number;
}

export interface IngestResult {
  /** Events newly stored; an id seen before for the project is skipped (idempotent retries). */
  accepted: number;
  duplicates: number;
  /** Every pattern touched by the batch, in first-appearance order. */
  patterns: { id: string; category: Category; occurrences: number; created: boolean }[];
  /** Stream events written in the same transaction (see StreamEvent). */
  streamEvents: StreamEvent[];
}

export interface PatternRecord {
  id: string;
  projectId: string;
  category: Category;
  function: string;
  errorType: string;
  normalizedMessage: string;
  signature: object;
  occurrences: number;
  firstSeen: number;
  lastSeen: number;
}

export interface ExampleRecord {
  eventId: string;
  agentId: string | null;
  timestamp: number;
  input: unknown;
  output: unknown;
  error: EventError | null;
}

export interface PatternQuery {
  category?: Category;
  function?: string;
  sort: 'occurrences' | 'lastSeen';
  limit: number;
  /** Opaque cursor returned as nextCursor by the previous page. */
  cursor?: string;
}

export interface FunctionStats {
  function: string;
  successes: number;
  failures: number;
  lastSeen: number;
}

/** Something that happened, for the live stream. Ids increase per project; used for resume. */
export interface StreamEvent {
  id: number;
  projectId: string;
  type: string;
  at: number;
  data: unknown;
}

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending versioned migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;

  ensureProject(name: string): Promise<Project>;
  getProject(id: string): Promise<Project | undefined>;

  createApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(projectId: string): Promise<ApiKeyRecord[]>;
  /** False when no such unrevoked key exists in the project. */
  revokeApiKey(projectId: string, keyId: string): Promise<boolean>;
  touchApiKey(keyId: string, at: number): Promise<void>;

  /**
   * Stores a batch in one transaction: events, pattern upserts (occurrences, first/last seen),
   * failure reservoirs, success counters and pool, and the stream events describing it
   * (`failures.ingested` with per-pattern counts, `pattern.created` per new pattern).
   * Resolves only after commit; on any error nothing of the batch is stored.
   */
  ingest(projectId: string, events: PreparedEvent[], options: IngestOptions): Promise<IngestResult>;
  countEvents(projectId: string): Promise<number>;
  listEventIds(projectId: string): Promise<string[]>;

  listPatterns(
    projectId: string,
    query: PatternQuery,
  ): Promise<{ patterns: PatternRecord[]; nextCursor: string | null }>;
  getPattern(projectId: string, patternId: string): Promise<PatternRecord | undefined>;
  listFailureExamples(projectId: string, patternId: string): Promise<ExampleRecord[]>;
  listSuccessExamples(projectId: string, functionName: string): Promise<ExampleRecord[]>;
  listFunctionStats(projectId: string): Promise<FunctionStats[]>;

  /** Appends a stream event outside ingest (learner steps, approvals, deployments later). */
  appendStreamEvent(projectId: string, type: string, data: unknown, at: number): Promise<StreamEvent>;
  /** Stream events with id > afterId, oldest first (for Last-Event-ID resume). */
  listStreamEventsAfter(projectId: string, afterId: number, limit: number): Promise<StreamEvent[]>;
  /**
   * Live notification of committed stream events from any process sharing the database
   * (PostgreSQL LISTEN/NOTIFY; in-process for SQLite). Returns an unsubscribe function.
   */
  subscribe(listener: (event: StreamEvent) => void): () => void;
}
