import { describe, expect, it } from 'vitest';
import { fixId } from '../fix-id.js';
import type { Fix } from '../fix-types.js';
import { cosineSimilarity, messageVector } from '../message-similarity.js';
import { transferCandidates } from './transfer-candidates.js';

const repair: Fix = { type: 'output_repair', json: true, coerce: false };
const greedy: Fix = { type: 'param_patch', params: { temperature: 0 } };
const similarity = (a: string, b: string) => cosineSimilarity(messageVector(a), messageVector(b));

const NEW = 'Unexpected token <char> in JSON at position <int>';
const CLOSE = 'Unexpected token <char> in JSON at position <int> (line <int>)';
const FAR = 'connect ECONNREFUSED <ip>';

describe('transferCandidates', () => {
  it('warm-starts fixes of similar patterns with logit ln(1 + similarity × improvement)', () => {
    const s = similarity(NEW, CLOSE);
    expect(s).toBeGreaterThan(0.85);
    const [candidate, ...rest] = transferCandidates({ id: 'pat_new', normalizedMessage: NEW }, [
      { patternId: 'pat_a', normalizedMessage: CLOSE, fix: repair, improvement: 0.6 },
      { patternId: 'pat_b', normalizedMessage: FAR, fix: greedy, improvement: 0.9 },
    ]);
    expect(rest).toEqual([]);
    expect(candidate).toMatchObject({ id: fixId(repair), fix: repair, origin: 'transfer' });
    expect(candidate!.warmStartTheta).toBeCloseTo(Math.log(1 + s * 0.6), 14);
    expect(candidate!.rationale).toContain('pat_a');
  });

  it('skips the pattern itself, fixes that did not help, repeats, and respects threshold and topK', () => {
    const learned = [
      { patternId: 'pat_new', normalizedMessage: NEW, fix: greedy, improvement: 0.5 },
      { patternId: 'pat_a', normalizedMessage: NEW, fix: repair, improvement: 0 },
      { patternId: 'pat_b', normalizedMessage: CLOSE, fix: repair, improvement: 0.3 },
      { patternId: 'pat_c', normalizedMessage: NEW, fix: repair, improvement: 0.2 },
      { patternId: 'pat_d', normalizedMessage: CLOSE, fix: greedy, improvement: 0.4 },
    ];
    const candidates = transferCandidates({ id: 'pat_new', normalizedMessage: NEW }, learned);
    // pat_c is identical (similarity 1), so its copy of the repair wins over pat_b's.
    expect(candidates.map((c) => [c.fix, c.warmStartTheta])).toEqual([
      [repair, Math.log1p(0.2)],
      [greedy, Math.log1p(similarity(NEW, CLOSE) * 0.4)],
    ]);
    expect(transferCandidates({ id: 'pat_new', normalizedMessage: NEW }, learned, { topK: 1 })).toHaveLength(
      1,
    );
    expect(
      transferCandidates({ id: 'pat_new', normalizedMessage: NEW }, learned, { threshold: 0.999 }),
    ).toHaveLength(1);
  });
});
