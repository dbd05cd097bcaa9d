// The shapes the dashboard reads from Arc's HTTP API (/openapi.json describes them); times are
// ISO 8601 strings. The dashboard depends on the API only, so these mirror it rather than import
// the server.

export type Scope = 'ingest' | 'worker' | 'read' | 'admin';

/** The API's failure categories, in its order. */
export const CATEGORIES = [
  'api_schema',
  'auth_failure',
  'parsing_error',
  'timeout',
  'validation',
  'rate_limit',
  'network',
  'wrong_answer',
  'unknown',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Session {
  project: { id: string; name: string };
  key: { id: string; name: string; prefix: string };
  scopes: Scope[];
  expiresAt: string | null;
}

export interface PatternSummary {
  id: string;
  category: Category;
  function: string;
  errorType: string;
  normalizedMessage: string;
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
  /** The function's overflow pattern: failures of new patterns past the server's limit per function. */
  overflow: boolean;
}

export interface PatternList {
  patterns: PatternSummary[];
  nextCursor: string | null;
}

export interface Example {
  eventId: string;
  agentId: string | null;
  timestamp: string;
  input: unknown;
  output: unknown;
  error: { type?: string; message?: string; stack?: string; status?: number; code?: string | number } | null;
  /** The call's trace: the OpenTelemetry trace id of a span sent to /v1/traces. */
  traceId: string | null;
}

export interface PatternDetail extends PatternSummary {
  signature: Record<string, unknown>;
  examples: Example[];
}

export interface FunctionStats {
  function: string;
  successes: number;
  failures: number;
  lastSeen: string;
}

export interface Overview {
  at: string;
  patterns: number;
  failuresLastHour: number;
  timeline: { from: string; bucketMinutes: number; failures: number[] };
}

/** A fix (prompt_adjustment, few_shot, param_patch, response_format, output_repair, retry_policy, composite). */
export interface Fix {
  type: string;
  [field: string]: unknown;
}

export type Risk = 'low' | 'medium' | 'high';

export interface LearningResult {
  id: string;
  step: number;
  patternId: string;
  function: string;
  candidateId: string;
  fix: Fix;
  risk: Risk;
  origin: string;
  rationale: string;
  improvement: number;
  confidence: number;
  successRate: number;
  incumbentSuccessRate: number;
  trials: number;
  examples: number;
  /** person: proposed through the API, never measured (the figures above are 0, shown as not measured). */
  source: ResultSource;
  proposedBy: string | null;
  proposedByKeyId: string | null;
  createdAt: string;
}

export type ResultSource = 'learner' | 'person';

/** The impact assessment of an approval request. */
export interface Impact {
  severity?: string;
  agentsAffected?: number;
  failuresPerDay?: number;
  /** null when the fix was never measured (a person's proposal). */
  failuresPerDayPrevented?: number | null;
  riskLevel?: string;
  reasons?: string[];
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied';

export interface Approval {
  id: string;
  status: ApprovalStatus;
  impact: Impact;
  decidedBy: string | null;
  decidedByKeyId: string | null;
  comment: string | null;
  createdAt: string;
  decidedAt: string | null;
  result: LearningResult;
}

export interface CanaryCounters {
  trials: number;
  failures: number;
  patternFailures: number;
}

export type DeploymentStatus = 'canary' | 'promoted' | 'rolled_back' | 'superseded';

export interface Deployment {
  id: string;
  status: DeploymentStatus;
  fixId: string;
  version: number;
  patternId: string;
  function: string;
  fix: Fix;
  risk: Risk;
  confidence: number;
  source: ResultSource;
  canaryShare: number;
  approvalId: string;
  resultId: string;
  treatment: CanaryCounters;
  control: CanaryCounters;
  createdAt: string;
  decidedAt: string | null;
  reason: string | null;
}

export interface CurriculumArm {
  arm: string;
  q: number;
  /** What the learner's next draw gives it under the project's curriculum (0 when it cannot be drawn). */
  probability: number;
  /** The learner can draw it now. */
  eligible: boolean;
  /** Failures per learning step, smoothed; null when not known. */
  recentFailures: number | null;
  pulls: number;
  updates: number;
  history: { step: number; q: number }[];
}

export type CurriculumDraw = 'sec' | 'sec-weighted' | 'random' | 'learnable-traffic' | 'uniform' | 'greedy';

export interface Curriculum {
  curriculum: 'learner' | 'trainer';
  /** How the learner draws patterns: the project's curriculum setting. */
  draw: CurriculumDraw;
  step: number;
  alpha: number;
  temperature: number;
  arms: CurriculumArm[];
}

export interface Evidence {
  successes: number;
  trials: number;
}

export interface Candidate {
  id: string;
  incumbent: boolean;
  fix: Fix | null;
  origin: string;
  rationale: string;
  policyProbability: number;
  failing: Evidence;
  guard: Evidence;
  examples: number;
  posteriorMean: number;
  probabilityBeatsIncumbent: number | null;
  guardPasses: boolean | null;
  accepted: boolean;
}

export interface CandidateList {
  patternId: string;
  step: number;
  learning: boolean;
  exhausted: boolean;
  candidates: Candidate[];
}

/** The learning settings the dashboard reads (GET /v1/learning/config has more). */
export interface LearningConfig {
  syncInterval: number | null;
  triggerIntervalMs: number;
  triggerFailures: number;
  canaryShare: number;
  autoApproveMinConfidence: number;
  autoApproveMinSuccessRate: number;
}

/** One message of GET /v1/stream. */
export interface StreamMessage {
  id: number;
  type: string;
  data: unknown;
  /** When the browser received it (epoch ms): stream data carries no time of its own. */
  receivedAt: number;
}

/** The stream's event types the dashboard listens to (EventSource only delivers named types it asks for). */
export const STREAM_TYPES = [
  'failures.ingested',
  'pattern.created',
  'learner.step',
  'learning.result',
  'approval.created',
  'approval.approved',
  'approval.denied',
  'deployment.created',
  'deployment.promoted',
  'deployment.rolled_back',
] as const;
export type StreamType = (typeof STREAM_TYPES)[number];
