export { API_KEY_PATTERN, generateApiKey, hashApiKey, type IssuedApiKey, issueApiKey } from './api-keys.js';
export { type ArcApp, type BuildAppOptions, buildApp } from './app.js';
export type { AuthContext } from './auth.js';
export type { ErrorDetail } from './http-error.js';
export { monitorDeployments } from './learner/deployment-monitor.js';
export {
  EmbeddedWorker,
  type EmbeddedWorkerOptions,
  type EmbeddedWorkerStats,
  type RolloutHandler,
  type RolloutOutcome,
} from './learner/embedded-worker.js';
export { LearnerPool, type LearnerPoolOptions } from './learner/learner-pool.js';
export { LearnerRunner, type LearnerRunnerOptions, learnerLockName } from './learner/learner-runner.js';
export {
  type LearnerStepContext,
  type LearnerStepOutcome,
  type LearnerStepReport,
  runLearnerStep,
} from './learner/learner-step.js';
export {
  DEFAULT_LEARNING_SETTINGS,
  InvalidLearningSettingError,
  type LearningSettings,
  resolveLearningSettings,
} from './learner/learning-settings.js';
export {
  ANALYST_ENV,
  createLlmAnalyst,
  type LlmAnalyst,
  type LlmAnalystOptions,
  llmAnalystFromEnv,
} from './learner/llm-analyst.js';
export {
  createRolloutQueue,
  fixesToApply,
  type LeasedRollout,
  type LeaseOptions,
  type RolloutQueue,
  type RolloutReportInput,
} from './learner/rollout-queue.js';
export type { EventInput, IngestResponse } from './schemas/event-schemas.js';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_PROJECT,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from './server.js';
export { DEFAULT_LIMITS, type ServerLimits } from './server-limits.js';
export type { FailuresIngestedData, PatternCreatedData } from './storage/ingest-plan.js';
export {
  DEFAULT_SQLITE_FILE,
  openStorage,
  type StorageTarget,
  storageTarget,
} from './storage/open-storage.js';
export { InvalidCursorError } from './storage/pattern-cursor.js';
export { createPostgresStorage, type PostgresStorageOptions } from './storage/postgres-storage.js';
export { createSqliteStorage, type SqliteStorageOptions } from './storage/sqlite-storage.js';
export * from './storage/storage.js';
export type { StorageErrorHandler } from './storage/stream-listeners.js';
