import type { DeployedFix } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { parseRolloutJob } from './rollout-job.js';

const BRIEF: DeployedFix = {
  id: 'fix-brief',
  version: 2,
  patternId: 'p-other',
  function: 'quote',
  fix: { type: 'prompt_adjustment', instructions: 'Be brief.' },
  risk: 'medium',
  confidence: 0.97,
  canaryShare: 1,
};

const JOB = {
  id: 'job-1',
  function: 'quote',
  patternId: 'p-1',
  exampleId: 'e-1',
  source: 'success',
  input: [{ item: 'tea' }],
  candidateId: 'c-1',
  fix: { type: 'param_patch', params: { temperature: 0 } },
  baseFixes: [BRIEF],
  leaseExpiresAt: '2025-01-01T00:01:00.000Z',
  attempt: 1,
};

describe('parseRolloutJob', () => {
  it('reads a job with its base fixes, and one of an older server without them', () => {
    expect(parseRolloutJob(JOB)).toEqual({ ok: true, value: JOB });
    const { baseFixes: _, ...older } = JOB;
    const parsed = parseRolloutJob(older);
    expect(parsed).toEqual({ ok: true, value: older });
    expect(parsed.ok && Object.hasOwn(parsed.value, 'baseFixes')).toBe(false);
    expect(parseRolloutJob({ ...JOB, baseFixes: [] })).toEqual({
      ok: true,
      value: { ...JOB, baseFixes: [] },
    });
  });

  it('ignores fields of a base fix it does not know, as the fix cache does', () => {
    const parsed = parseRolloutJob({ ...JOB, baseFixes: [{ ...BRIEF, deploymentId: 'd-1' }] });
    expect(parsed).toEqual({ ok: true, value: JOB });
  });

  it('names the field at fault, base fixes included', () => {
    const cases: [unknown, string][] = [
      [null, 'job'],
      [{ ...JOB, id: '' }, 'id'],
      [{ ...JOB, source: 'other' }, 'source'],
      [{ ...JOB, attempt: 0 }, 'attempt'],
      [{ ...JOB, fix: { type: 'magic' } }, 'fix.type'],
      [{ ...JOB, baseFixes: null }, 'baseFixes'],
      [{ ...JOB, baseFixes: { 0: BRIEF } }, 'baseFixes'],
      [{ ...JOB, baseFixes: [BRIEF, 'fix'] }, 'baseFixes[1]'],
      [{ ...JOB, baseFixes: [{ ...BRIEF, fix: { type: 'magic' } }] }, 'baseFixes[0].fix.type'],
      [
        {
          ...JOB,
          baseFixes: [BRIEF, { ...BRIEF, fix: { type: 'param_patch', params: { temperature: 9 } } }],
        },
        'baseFixes[1].fix.params.temperature',
      ],
      [{ ...JOB, baseFixes: [{ ...BRIEF, canaryShare: 2 }] }, 'baseFixes[0].canaryShare'],
      [{ ...JOB, baseFixes: [{ ...BRIEF, id: undefined }] }, 'baseFixes[0].id'],
      // Past core's fix limits, as the fix cache skips them.
      [
        { ...JOB, fix: { type: 'few_shot', examples: [{ input: 1, output: 'a'.repeat(40_000) }] } },
        'fix.examples',
      ],
      [
        {
          ...JOB,
          baseFixes: [
            {
              ...BRIEF,
              fix: {
                type: 'output_repair',
                json: true,
                schema: { a: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) },
              },
            },
          ],
        },
        'baseFixes[0].fix.schema',
      ],
    ];
    for (const [value, field] of cases) {
      const parsed = parseRolloutJob(value);
      expect(parsed.ok, JSON.stringify(value)).toBe(false);
      expect(parsed.ok ? null : parsed.field, JSON.stringify(value)).toBe(field);
    }
  });
});
