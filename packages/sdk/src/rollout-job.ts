// A rollout job as `POST /v1/rollouts/lease` hands it out: replay a recorded input of a tracked
// function with the base fixes and a candidate fix applied, and report how well it went. The server
// is trusted no more than any other input: a job is checked field by field (the fixes with core's
// parsers and fix limits) before the worker acts on it.

import {
  type DeployedFix,
  type Fix,
  fixLimitProblem,
  type ParseResult,
  parseDeployedFix,
  parseFix,
} from '@arc-agent/core';

export interface RolloutJob {
  id: string;
  function: string;
  patternId: string;
  /** The replayed event. */
  exampleId: string;
  /** A failing example of the pattern, or a call of the function that currently succeeds. */
  source: 'failure' | 'success';
  /** The input as `track` recorded it (the argument list unless a track option says otherwise). */
  input: unknown;
  candidateId: string;
  /** null: run the call as it is (the incumbent, no fix). */
  fix: Fix | null;
  /**
   * The fixes promoted for the function's other patterns when the job was leased, applied before
   * the candidate as production applies them. Absent from an older server's jobs: the worker then
   * takes them from its own fix cache.
   */
  baseFixes?: DeployedFix[];
  /** ISO 8601; a result reported later is refused. */
  leaseExpiresAt: string;
  /** Times the job was leased, this lease included. */
  attempt: number;
}

const STRING_FIELDS = ['id', 'function', 'patternId', 'exampleId', 'candidateId', 'leaseExpiresAt'] as const;

export function parseRolloutJob(value: unknown): ParseResult<RolloutJob> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, field: 'job', error: 'must be an object' };
  }
  const raw = value as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    if (typeof raw[field] !== 'string' || raw[field] === '') {
      return { ok: false, field, error: 'must be a non-empty string' };
    }
  }
  if (raw.source !== 'failure' && raw.source !== 'success') {
    return { ok: false, field: 'source', error: "must be 'failure' or 'success'" };
  }
  if (!(Number.isInteger(raw.attempt) && (raw.attempt as number) >= 1)) {
    return { ok: false, field: 'attempt', error: 'must be an integer >= 1' };
  }
  if (!Object.hasOwn(raw, 'input')) return { ok: false, field: 'input', error: 'is required' };
  let fix: Fix | null = null;
  if (raw.fix !== null) {
    const parsed = parseFix(raw.fix);
    // Core names the fields from `fix` already (`fix.params.temperature`).
    if (!parsed.ok) return parsed;
    const problem = fixLimitProblem(parsed.value);
    if (problem !== undefined) return { ok: false, ...problem };
    fix = parsed.value;
  }
  const baseFixes = parseBaseFixes(raw.baseFixes);
  if (!baseFixes.ok) return baseFixes;
  return {
    ok: true,
    value: {
      id: raw.id as string,
      function: raw.function as string,
      patternId: raw.patternId as string,
      exampleId: raw.exampleId as string,
      source: raw.source,
      input: raw.input,
      candidateId: raw.candidateId as string,
      fix,
      ...(baseFixes.value === undefined ? {} : { baseFixes: baseFixes.value }),
      leaseExpiresAt: raw.leaseExpiresAt as string,
      attempt: raw.attempt as number,
    },
  };
}

function parseBaseFixes(value: unknown): ParseResult<DeployedFix[] | undefined> {
  if (value === undefined) return { ok: true, value: undefined };
  if (!Array.isArray(value)) return { ok: false, field: 'baseFixes', error: 'must be an array' };
  const fixes: DeployedFix[] = [];
  for (const [i, item] of value.entries()) {
    const parsed = parseDeployedFix(item);
    // Core names the fields from `deployedFix` (`deployedFix.fix.type`); name them from the job.
    if (!parsed.ok) return { ...parsed, field: parsed.field.replace(/^deployedFix/, `baseFixes[${i}]`) };
    const problem = fixLimitProblem(parsed.value.fix, `baseFixes[${i}].fix`);
    if (problem !== undefined) return { ok: false, ...problem };
    fixes.push(parsed.value);
  }
  return { ok: true, value: fixes };
}
