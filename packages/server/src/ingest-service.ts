// From a validated batch to one storage.ingest call. Per event: the free parts as one bounded
// JSON-safe copy (toJsonSafe: oversized strings and structures are truncated and marked, never
// rejected) with secrets redacted (so they never reach storage, logs or examples), identifiers
// with secrets replaced by stable placeholders, then failures fingerprinted on the redacted copy,
// then an id when the client gave none. All of it goes through client-text.ts, so that no JSON a
// client can send makes the database refuse the batch or keeps a secret.
// Output schemas the batch declares are stored as each function's latest (declared-output-schemas.ts).

import { randomUUID } from 'node:crypto';
import { fingerprintFailure } from '@arc-agent/core';
import { clientIdentifier, clientIdentifiers, clientJson } from './client-text.js';
import { declaredOutputSchemas } from './declared-output-schemas.js';
import {
  type EventInput,
  type IngestResponse,
  MAX_FUNCTION_NAME_LENGTH,
  MAX_ID_LENGTH,
} from './schemas/event-schemas.js';
import type { EventError, PreparedEvent, Storage } from './storage/storage.js';

export interface IngestServiceOptions {
  storage: Storage;
  failureReservoirSize: number;
  successReservoirSize: number;
  /** Distinct patterns per function (storage's pattern cap); none when absent. */
  maxPatternsPerFunction?: number;
  random: () => number;
  now: () => number;
}

export interface IngestService {
  /**
   * Resolves once the whole batch is committed; none of its events are stored when it rejects.
   * Rejects with an HttpError 400 when a declared output schema is out of bounds. `credential`
   * keys the placeholders of secrets in identifiers (AuthContext.credential).
   */
  ingest(projectId: string, events: readonly EventInput[], credential: string): Promise<IngestResponse>;
}

/**
 * The parts of an event that may hold client text, bounded and redacted together. toJsonSafe
 * spends one size budget in key order, so the error (what fingerprinting needs) comes first and
 * the free-form input and output, the likeliest to be large, last.
 */
interface FreeParts {
  error: EventError | null;
  tags: Record<string, string>;
  input: unknown;
  output: unknown;
}

function eventTime(timestamp: EventInput['timestamp'], receivedAt: number): number {
  if (timestamp === undefined) return receivedAt;
  return typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
}

function eventError(error: EventInput['error']): EventError | null {
  if (error === undefined) return null;
  const { type, message, stack, status, code } = error;
  return {
    ...(type !== undefined ? { type } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(stack !== undefined ? { stack } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code: String(code) } : {}),
  };
}

export function prepareEvent(event: EventInput, receivedAt: number, credential: string): PreparedEvent {
  const free: FreeParts = {
    error: eventError(event.error),
    tags: event.tags ?? {},
    input: event.input ?? null,
    output: event.output ?? null,
  };
  // Once the size budget is spent, toJsonSafe leaves out the remaining keys altogether.
  const safe = clientJson(free) as Partial<FreeParts>;
  const fn = clientIdentifier(event.function, credential, MAX_FUNCTION_NAME_LENGTH);
  // In one batch: most events' ids hold nothing to hide.
  const fixIds = event.fixIds ?? [];
  const [id, agentId, traceId, ...fixIdsRedacted] = clientIdentifiers(
    [event.id ?? '', event.agentId ?? '', event.traceId ?? '', ...fixIds],
    credential,
    MAX_ID_LENGTH,
  );
  const error = safe.error ?? null;
  const input = safe.input ?? null;
  const output = safe.output ?? null;
  const fingerprint =
    event.kind === 'failure'
      ? fingerprintFailure({
          function: fn,
          errorType: error?.type,
          message: error?.message,
          status: error?.status,
          code: error?.code,
          stack: error?.stack,
          input,
          output,
        })
      : null;
  return {
    id: event.id === undefined ? randomUUID() : id!,
    kind: event.kind,
    function: fn,
    agentId: event.agentId === undefined ? null : agentId!,
    timestamp: eventTime(event.timestamp, receivedAt),
    durationMs: event.durationMs ?? null,
    error,
    input,
    output,
    fixIds: fixIdsRedacted,
    attempt: event.attempt ?? null,
    tags: safe.tags ?? {},
    traceId: event.traceId === undefined ? null : traceId!,
    fingerprint: fingerprint && {
      patternId: fingerprint.patternId,
      category: fingerprint.category,
      normalizedMessage: fingerprint.normalizedMessage,
      errorType: fingerprint.signature.errorType,
      signature: fingerprint.signature,
    },
  };
}

export function createIngestService(options: IngestServiceOptions): IngestService {
  const reservoirs = {
    failureReservoirSize: options.failureReservoirSize,
    successReservoirSize: options.successReservoirSize,
    ...(options.maxPatternsPerFunction !== undefined
      ? { maxPatternsPerFunction: options.maxPatternsPerFunction }
      : {}),
    random: options.random,
  };
  return {
    async ingest(projectId, events, credential) {
      const receivedAt = options.now();
      const declared = declaredOutputSchemas(events, credential);
      const prepared = events.map((event) => prepareEvent(event, receivedAt, credential));
      // Before the events: should the batch fail after this, a declaration without its events is
      // harmless, and the client's retry declares it again.
      await options.storage.saveOutputSchemas(projectId, declared, receivedAt);
      const { accepted, duplicates, patterns } = await options.storage.ingest(
        projectId,
        prepared,
        reservoirs,
      );
      return { accepted, duplicates, patterns };
    },
  };
}
