// What `arc export` writes per recorded call, in each format: the call as stored (already redacted
// and bounded at ingest) with its pattern and the fix deployed for it, and the rows trainers read.
// VERL's RLHFDataset reads `prompt` (chat messages), `data_source`, `reward_model` and
// `extra_info` (whose `index` becomes the batch's `index`); TRL's GRPOTrainer reads a
// conversational `prompt` and hands every other column to the reward functions.

import type { DeployedFix } from '@arc-agent/core';
import type { EventError, PreparedEvent } from '../storage/storage.js';
import { type ChatMessage, chatMessages } from './chat-messages.js';

/** A verifier's verdict on a call (POST /v1/feedback), as stored on the event it became. */
export interface StoredVerdict {
  score: number;
  threshold: number;
}

/** An event as storage returns it; verdicts carry theirs. */
export type StoredEvent = PreparedEvent & { verdict?: StoredVerdict & { callId: string } };

export interface ExportedFix {
  id: string;
  type: string;
  /** 1 once promoted; the canary's share before. */
  canaryShare: number;
  fix: DeployedFix['fix'];
}

/** One recorded call (the `jsonl` format). */
export interface ExportRecord {
  id: string;
  kind: 'failure' | 'success';
  function: string;
  timestamp: string;
  agentId: string | null;
  patternId: string | null;
  category: string | null;
  errorType: string | null;
  error: EventError | null;
  input: unknown;
  output: unknown;
  fixIds: string[];
  tags: Record<string, string>;
  verdict: StoredVerdict | null;
  /** The fix deployed for the call's pattern now (canary or promoted), if any. */
  deployedFix: ExportedFix | null;
}

export function exportRecord(event: StoredEvent, deployed: ReadonlyMap<string, DeployedFix>): ExportRecord {
  const patternId = event.fingerprint?.patternId ?? null;
  const fix = patternId === null ? undefined : deployed.get(patternId);
  return {
    id: event.id,
    kind: event.kind,
    function: event.function,
    timestamp: new Date(event.timestamp).toISOString(),
    agentId: event.agentId,
    patternId,
    category: event.fingerprint?.category ?? null,
    errorType: event.fingerprint?.errorType ?? null,
    error: event.error,
    input: event.input ?? null,
    output: event.output ?? null,
    fixIds: event.fixIds,
    tags: event.tags,
    verdict:
      event.verdict === undefined ? null : { score: event.verdict.score, threshold: event.verdict.threshold },
    deployedFix:
      fix === undefined
        ? null
        : { id: fix.id, type: fix.fix.type, canaryShare: fix.canaryShare, fix: fix.fix },
  };
}

/** JSON text of a free-form value (Parquet columns and trainer rows hold text). */
export const jsonText = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * The answer a verifier judged right for the call's input, as text: what a rule-based reward
 * compares against. Only a right verdict gives one; a wrong answer says what is wrong, not what is
 * right.
 */
export function groundTruth(record: ExportRecord): string | null {
  if (record.verdict === null || record.verdict.score < record.verdict.threshold) return null;
  return typeof record.output === 'string' ? record.output : jsonText(record.output);
}

/** What both trainers' rows say about where a problem came from. */
export interface ProblemInfo {
  index: number;
  pattern_id: string | null;
  category: string | null;
  function: string;
  kind: 'failure' | 'success';
  event_id: string;
  error_type: string | null;
  message: string | null;
  /** The recorded input as JSON text, for reward functions that replay or look it up. */
  input: string;
  verdict_score: number | null;
}

function problemInfo(record: ExportRecord, index: number): ProblemInfo {
  return {
    index,
    pattern_id: record.patternId,
    category: record.category,
    function: record.function,
    kind: record.kind,
    event_id: record.id,
    error_type: record.errorType,
    message: record.error?.message ?? null,
    input: jsonText(record.input),
    verdict_score: record.verdict?.score ?? null,
  };
}

/** A row of VERL's RLHFDataset (the `verl` format, Parquet). */
export interface VerlRow {
  data_source: string;
  prompt: ChatMessage[];
  ability: string;
  reward_model: { style: string; ground_truth: string | null };
  extra_info: ProblemInfo;
}

export function verlRow(record: ExportRecord, index: number): VerlRow {
  return {
    data_source: `arc/${record.function}`,
    prompt: chatMessages(record.input),
    ability: record.function,
    reward_model: { style: 'rule', ground_truth: groundTruth(record) },
    extra_info: problemInfo(record, index),
  };
}

/** A row of TRL's GRPOTrainer dataset (the `trl` format, JSON lines): a conversational prompt. */
export type TrlRow = { prompt: ChatMessage[]; ground_truth: string | null } & ProblemInfo;

export function trlRow(record: ExportRecord, index: number): TrlRow {
  return {
    prompt: chatMessages(record.input),
    ground_truth: groundTruth(record),
    ...problemInfo(record, index),
  };
}
