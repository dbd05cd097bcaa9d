// Prepared events (what the ingest service hands storage) for storage tests: a failure of a given
// pattern and a success of a function, each with a fresh id unless one is given.

import type { Category, PreparedEvent } from './storage.js';

let eventSeq = 0;

export function failure(
  patternId: string,
  at: { timestamp?: number; id?: string; fn?: string; category?: Category; input?: unknown } = {},
): PreparedEvent {
  eventSeq += 1;
  const fn = at.fn ?? 'search';
  return {
    id: at.id ?? `f-${eventSeq}`,
    kind: 'failure',
    function: fn,
    agentId: 'agent-7',
    timestamp: at.timestamp ?? 1_000,
    durationMs: 12,
    error: { type: 'TypeError', message: `cannot read ${patternId}`, status: 500 },
    input: at.input ?? { query: `q${eventSeq}` },
    output: { partial: true },
    fixIds: [],
    attempt: null,
    tags: { env: 'test' },
    traceId: null,
    fingerprint: {
      patternId,
      category: at.category ?? 'parsing_error',
      normalizedMessage: `cannot read <var> ${patternId}`,
      errorType: 'TypeError',
      signature: { function: fn, errorType: 'TypeError', input: { query: 'string' } },
    },
  };
}

export function success(fn: string, at: { timestamp?: number; id?: string } = {}): PreparedEvent {
  eventSeq += 1;
  return {
    id: at.id ?? `s-${eventSeq}`,
    kind: 'success',
    function: fn,
    agentId: null,
    timestamp: at.timestamp ?? 1_000,
    durationMs: 3,
    error: null,
    input: { n: eventSeq },
    output: { ok: eventSeq },
    fixIds: ['fix-1'],
    attempt: 1,
    tags: {},
    traceId: 'trace-1',
    fingerprint: null,
  };
}
