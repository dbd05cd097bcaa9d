import { describe, expect, it } from 'vitest';
import { fixId } from '../fix-id.js';
import { candidateFix, uniqueCandidates } from './candidate-fix.js';

describe('candidateFix', () => {
  it('names a candidate by its fix and keeps a warm start only when given', () => {
    const fix = { type: 'param_patch', params: { temperature: 0 } } as const;
    expect(candidateFix(fix, 'rule', 'why')).toEqual({
      id: fixId(fix),
      fix,
      origin: 'rule',
      rationale: 'why',
    });
    expect(candidateFix(fix, 'transfer', 'why', 0.5)).toMatchObject({ warmStartTheta: 0.5 });
  });

  it('keeps the first candidate of each id', () => {
    const a = candidateFix({ type: 'output_repair', json: true, coerce: false }, 'rule', 'first');
    const b = candidateFix({ type: 'output_repair', json: true, coerce: false }, 'mined', 'second');
    const c = candidateFix({ type: 'param_patch', params: { temperature: 0 } }, 'rule', 'other');
    expect(uniqueCandidates([a, c, b])).toEqual([a, c]);
  });
});
