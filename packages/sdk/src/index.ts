export { COUNT_TAG, type RedactOptions, type Verdict } from '@arc-agent/core';
export { type ArcMiddlewareOptions, aiSdkCallShape, arcMiddleware } from './ai-sdk-middleware.js';
export type { ArcEvent, ArcEventError } from './arc-event.js';
export type { ArcFeedback } from './arc-feedback.js';
export type { RetrySettings } from './arc-runtime.js';
export type { FunctionCounters } from './call-counters.js';
export type { OutputShape } from './call-runner.js';
export { type CallPaths, type CallShape, pathCallShape } from './call-shape.js';
export { type CanaryArm, canaryArm } from './canary-assignment.js';
export { type Arc, type ArcOptions, type ArcStats, createArc } from './create-arc.js';
export type { OutputSchemaOption, StandardJSONSchemaV1 } from './declared-output-schema.js';
export type { TransportStats } from './event-transport.js';
export type { FeedbackSettings, FeedbackStats } from './feedback-reporter.js';
export { applyCallFixes, applyOutputFixes } from './fix-appliers/apply-fixes.js';
export type { FixCacheStats } from './fix-cache.js';
export type { NormalizedCall, NormalizedMessage, NormalizedResponseFormat } from './normalized-call.js';
export { type OpenAILike, openAICallShape, type WrapOpenAIOptions, wrapOpenAI } from './openai-wrapper.js';
export {
  type RedactableSpan,
  redactingSpanExporter,
  type SpanExporterLike,
} from './redacting-span-exporter.js';
export type { RolloutJob } from './rollout-job.js';
export type {
  RolloutFunctions,
  RolloutVerifier,
  RolloutWorker,
  RolloutWorkerOptions,
  RolloutWorkerStats,
} from './rollout-worker.js';
export type {
  AnyConstructor,
  AnyFunction,
  ConstructorCall,
  ReturnedCallInfo,
  TrackOptions,
  VerifyResult,
} from './track.js';
export type { TrackedDecorator } from './tracked-decorator.js';
export {
  type OutputValidator,
  type StandardSchemaV1,
  type StandardSchemaV1Issue,
  type StandardSchemaV1Result,
  ValidationError,
  type ValidationFailure,
  type ValidatorFunction,
} from './validators.js';
