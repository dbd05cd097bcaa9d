// The one storage interface of the server (DESIGN.md section 7). Two implementations live beside
// it, `sqlite-storage.ts` and `postgres-storage.ts`, both over Kysely; the same test suite runs
// against each. All times are epoch milliseconds. Everything handed in here is already validated,
// redacted and truncated by the ingest service: storage persists, it does not police content.

import type { Category } from '@arc-agent/core';
import type { HeldLock } from './leader-locks.js';
import type {
  Actor,
  ApprovalRecord,
  ApprovalStatus,
  AuditEntry,
  CompleteRolloutOutcome,
  ConcludeDeployment,
  ConcludeDeploymentOutcome,
  CurriculumRecord,
  DecideApprovalOutcome,
  DeploymentRecord,
  DeploymentStatus,
  FixProposal,
  LearnerStateRecord,
  LearningResultRecord,
  LearningStepCommit,
  LearningStepOutcome,
  LeaseRequest,
  NewRolloutJob,
  ProposeFixOutcome,
  RolloutJob,
  RolloutReport,
} from './learning-records.js';

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
  /**
   * Set on a verdict (POST /v1/feedback, feedback-event.ts): the event judges a call that was
   * already counted as a success, so it changes counts instead of adding a call.
   */
  verdict?: { callId: string; score: number; threshold: number };
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
  /**
   * Distinct patterns per function; failures of a new pattern past it go to the function's
   * overflow pattern (pattern-cap.ts). No cap when absent.
   */
  maxPatternsPerFunction?: number;
  /**
   * Distinct functions per project; events of a new function past it are stored under the
   * overflow function (function-cap.ts). No cap when absent.
   */
  maxFunctionsPerProject?: number;
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
  /** Every failure of the pattern ever ingested (retention deletes old events, not this count). */
  occurrences: number;
  firstSeen: number;
  lastSeen: number;
  /** The function's overflow pattern: failures of new patterns past its cap (pattern-cap.ts). */
  overflow: boolean;
}

export interface ExampleRecord {
  eventId: string;
  agentId: string | null;
  timestamp: number;
  input: unknown;
  output: unknown;
  error: EventError | null;
  /** The call's trace (OpenTelemetry spans, SDK events that carry one), to look it up elsewhere. */
  traceId: string | null;
}

export interface PatternQuery {
  category?: Category;
  function?: string;
  sort: 'occurrences' | 'lastSeen';
  limit: number;
  /** Opaque cursor returned as nextCursor by the previous page. */
  cursor?: string;
}

/** Which stored events an export reads, a page at a time (keyset on the event id). */
export interface EventScanQuery {
  /** Events whose id sorts after this one (the last id of the previous page). */
  afterId?: string;
  limit: number;
  /** Events with timestamp >= since. */
  since?: number;
  /** Only failures of these patterns and successes of these functions (both given, or neither). */
  only?: { patternIds: readonly string[]; functions: readonly string[] };
}

export interface FunctionStats {
  function: string;
  successes: number;
  failures: number;
  lastSeen: number;
}

/** The JSON Schema a tracked function last declared for its output (the SDK's `outputSchema`). */
export interface DeclaredOutputSchema {
  function: string;
  schema: Record<string, unknown>;
  /** When this schema was first received (a repeat of the same schema keeps the time). */
  declaredAt: number;
}

/** Something that happened, for the live stream. Ids increase per project; used for resume. */
export interface StreamEvent {
  id: number;
  projectId: string;
  type: string;
  at: number;
  data: unknown;
}

/** A dashboard sign-in: a browser holds the token, storage only its SHA-256. */
export interface SessionRecord {
  tokenHash: string;
  projectId: string;
  /** The key signed in with; its scopes and revocation apply to the session on every request. */
  keyId: string;
  createdAt: number;
  expiresAt: number;
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
  /** The project named `name`, without creating it (ensureProject creates). */
  findProjectByName(name: string): Promise<Project | undefined>;

  createApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(projectId: string): Promise<ApiKeyRecord[]>;
  /**
   * False when no such unrevoked key exists in the project; else revokes it and appends a
   * `key.revoked` stream event (`{ keyId }`) in the same transaction.
   */
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
  /**
   * Retention: deletes up to `limit` of the project's events with a timestamp before `before`,
   * oldest first, in one transaction, with the example slots that point at them (a reservoir that
   * loses examples keeps its survivors and samples anew from there). Pattern occurrences and
   * function counts are lifetime totals and stay. Answers how many events it deleted.
   */
  deleteEventsBefore(projectId: string, before: number, limit: number): Promise<number>;
  listEventIds(projectId: string): Promise<string[]>;

  listPatterns(
    projectId: string,
    query: PatternQuery,
  ): Promise<{ patterns: PatternRecord[]; nextCursor: string | null }>;
  getPattern(projectId: string, patternId: string): Promise<PatternRecord | undefined>;
  /** The project's patterns among `patternIds`, in one query: in that order, unknown ids left out. */
  getPatterns(projectId: string, patternIds: readonly string[]): Promise<PatternRecord[]>;
  listFailureExamples(projectId: string, patternId: string): Promise<ExampleRecord[]>;
  listSuccessExamples(projectId: string, functionName: string): Promise<ExampleRecord[]>;
  /**
   * The project's functions by name; a page of them (names after `after`, each starting with
   * `prefix` exactly, case included) when `page` is given.
   */
  listFunctionStats(
    projectId: string,
    page?: { limit: number; after?: string; prefix?: string },
  ): Promise<FunctionStats[]>;
  /** Failures ever ingested for the project (its functions' failure counts added up). */
  countFailures(projectId: string): Promise<number>;
  /** Stored events as ingest prepared them (redacted, bounded), ordered by id. */
  scanEvents(projectId: string, query: EventScanQuery): Promise<PreparedEvent[]>;
  /**
   * Records each function's declared output schema, replacing a different one (declaredAt = `at`);
   * the same schema again changes nothing. Functions are distinct within one call.
   */
  saveOutputSchemas(
    projectId: string,
    schemas: readonly { function: string; schema: Record<string, unknown> }[],
    at: number,
  ): Promise<void>;
  /** The declared output schemas of the project by function name, of `functions` only when given. */
  listOutputSchemas(projectId: string, functions?: readonly string[]): Promise<DeclaredOutputSchema[]>;

  /** Appends a stream event outside ingest (learner steps, approvals, deployments later). */
  appendStreamEvent(projectId: string, type: string, data: unknown, at: number): Promise<StreamEvent>;
  /** Stream events with id > afterId, oldest first (for Last-Event-ID resume). */
  listStreamEventsAfter(projectId: string, afterId: number, limit: number): Promise<StreamEvent[]>;
  /** The id of the project's newest stream event; 0 when it has none. */
  latestStreamEventId(projectId: string): Promise<number>;
  /**
   * Live notification of committed stream events from any process sharing the database
   * (PostgreSQL LISTEN/NOTIFY; in-process for SQLite). Returns an unsubscribe function.
   */
  subscribe(listener: (event: StreamEvent) => void): () => void;
  /**
   * Hands the subscribers, in id order, the stream events other connections to the database
   * committed since the last they heard of: on SQLite, those of the learner thread (whose own
   * connection announces them) or of another process; PostgreSQL hears them already (LISTEN).
   */
  catchUpStream(): Promise<void>;

  /**
   * Leadership across every process sharing the database (the learner of a project): the lock, or
   * null while another holds it. PostgreSQL: a session advisory lock on a dedicated connection,
   * lost (signal aborted) when that connection ends; SQLite: held within this process.
   */
  tryLock(name: string): Promise<HeldLock | null>;

  // The learning loop (learning-records.ts). Each write is one transaction together with the
  // stream events describing it (learner.step, learning.result, approval.*, deployment.*).

  listProjects(): Promise<Project[]>;
  getLearnerState(projectId: string): Promise<LearnerStateRecord | undefined>;
  /**
   * Saves the learner's state after a step together with the step's learning results, approval
   * requests (pending, or auto-approved and deployed as canaries) and audit entries; closes the
   * step's unfinished rollout jobs and prunes old finished ones. Throws StaleLearnerStateError
   * unless the stored step is commit.step - 1 (none counts as 0): one learner per project.
   */
  commitLearningStep(projectId: string, commit: LearningStepCommit, at: number): Promise<LearningStepOutcome>;
  /**
   * Queues a step's jobs (answered in the order given). Jobs of the project still open, and any
   * of this step number or later (left by a learner that died before committing), are closed.
   */
  enqueueRollouts(projectId: string, step: number, jobs: NewRolloutJob[], at: number): Promise<RolloutJob[]>;
  /**
   * Leases up to `max` queued jobs of the given functions, or jobs whose lease expired, oldest
   * first; concurrent callers get disjoint jobs (PostgreSQL: FOR UPDATE SKIP LOCKED).
   */
  leaseRollouts(projectId: string, request: LeaseRequest): Promise<RolloutJob[]>;
  /** Records a reward; only the worker holding the lease may (the same worker again is told what was recorded). */
  completeRollout(projectId: string, jobId: string, report: RolloutReport): Promise<CompleteRolloutOutcome>;
  listRollouts(projectId: string, step: number): Promise<RolloutJob[]>;
  /** Jobs of the step that have a reward (what a waiting learner polls). */
  countDoneRollouts(projectId: string, step: number): Promise<number>;
  /** Rollout jobs created at or after `since` (the hourly budget). */
  countRolloutsSince(projectId: string, since: number): Promise<number>;
  /** Learned results (source learner), newest first; a person's proposal is seen through its approval. */
  listLearningResults(
    projectId: string,
    query: { limit: number; patternId?: string },
  ): Promise<LearningResultRecord[]>;
  /** Newest first. */
  listApprovals(
    projectId: string,
    query: { limit: number; status?: ApprovalStatus },
  ): Promise<ApprovalRecord[]>;
  /** Every pattern and candidate ever put up for approval, whatever became of it. */
  listApprovalCandidates(projectId: string): Promise<{ patternId: string; candidateId: string }[]>;
  getApproval(projectId: string, approvalId: string): Promise<ApprovalRecord | undefined>;
  /**
   * Stores a person's fix as a learning result (source person, nothing measured) and a pending
   * approval request for it, audited under the proposer; never auto-approved.
   */
  proposeFix(projectId: string, proposal: FixProposal, at: number): Promise<ProposeFixOutcome>;
  /** Decides a pending approval; an approved one deploys as a canary at canaryShare. */
  decideApproval(
    projectId: string,
    approvalId: string,
    decision: { status: 'approved' | 'denied'; actor: Actor; comment: string | null; canaryShare: number },
    at: number,
  ): Promise<DecideApprovalOutcome>;
  /** Newest first. */
  listDeployments(
    projectId: string,
    query: { limit: number; statuses?: DeploymentStatus[]; function?: string },
  ): Promise<DeploymentRecord[]>;
  getDeployment(projectId: string, deploymentId: string): Promise<DeploymentRecord | undefined>;
  /** Promotes or rolls back a deployment; promotion supersedes the fix promoted before for its pattern. */
  concludeDeployment(
    projectId: string,
    deploymentId: string,
    change: ConcludeDeployment,
    at: number,
  ): Promise<ConcludeDeploymentOutcome>;
  /** Newest first. */
  listAuditLog(projectId: string, query: { limit: number; subjectId?: string }): Promise<AuditEntry[]>;
  /** The settings stored for the project (those that differ from the defaults), if any. */
  getLearningConfig(projectId: string): Promise<Record<string, unknown> | undefined>;
  saveLearningConfig(projectId: string, config: Record<string, unknown>, at: number): Promise<void>;
  getCurriculum(projectId: string, name: string): Promise<CurriculumRecord | undefined>;
  /** Saves when the stored version is still `expectedVersion` (0: none stored yet); false otherwise. */
  saveCurriculum(
    projectId: string,
    name: string,
    state: unknown,
    expectedVersion: number,
    at: number,
  ): Promise<boolean>;

  /** Stores a new session (and deletes those expired by its createdAt). */
  createSession(session: SessionRecord): Promise<void>;
  /** The session with this token hash unless expired at `now`, with its key as stored now (revoked or not). */
  findSession(
    tokenHash: string,
    now: number,
  ): Promise<{ session: SessionRecord; key: ApiKeyRecord } | undefined>;
  /** Deletes the session, appending a `session.ended` stream event (`{ keyId }`) when there was one. */
  deleteSession(tokenHash: string): Promise<void>;

  /**
   * Failure events per time bucket, by event timestamp: element i counts those with
   * from + i * bucketMs <= timestamp < from + (i + 1) * bucketMs, for i < buckets.
   */
  failureTimeline(projectId: string, window: TimelineWindow): Promise<number[]>;
  countPatterns(projectId: string): Promise<number>;
}

/** Time buckets from `from`, each `bucketMs` long, `buckets` of them. */
export interface TimelineWindow {
  from: number;
  bucketMs: number;
  buckets: number;
}

export type { HeldLock } from './leader-locks.js';
export * from './learning-records.js';
