import { describe, expect, it } from 'vitest';
import type { RetryPolicyFix, SimpleFix } from '../fix-types.js';
import { candidateFix } from './candidate-fix.js';
import { combineCandidates } from './combine-candidates.js';
import { expectValidCandidates } from './generator-input.fixture.js';

const promptFix: SimpleFix = { type: 'prompt_adjustment', instructions: 'Use JSON.' };
const repairFix: SimpleFix = { type: 'output_repair', json: true, coerce: false };
const prompt = candidateFix(promptFix, 'rule', 'p');
const repair = candidateFix(repairFix, 'rule', 'r');
const retryFix: RetryPolicyFix = {
  type: 'retry_policy',
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  jitter: 'full',
  retryOn: { categories: ['unknown'], statuses: [] },
};
const retry = candidateFix(retryFix, 'rule', 'a');
const retry2 = candidateFix({ ...retryFix, maxAttempts: 5 }, 'rule', 'b');

describe('combineCandidates', () => {
  it('pairs the best candidates into composites', () => {
    const combined = combineCandidates([prompt, repair, retry, retry2]);
    expectValidCandidates(combined);
    expect(combined.map((c) => c.fix)).toEqual([
      { type: 'composite', fixes: [promptFix, repairFix] },
      { type: 'composite', fixes: [promptFix, retryFix] },
      { type: 'composite', fixes: [repairFix, retryFix] },
    ]);
    expect(combined.every((c) => c.origin === 'combination')).toBe(true);
    expect(combined[0]!.rationale).toBe(
      `Combines ${prompt.id} (prompt_adjustment) and ${repair.id} (output_repair).`,
    );
  });

  it('skips contradicting pairs, pairs that add nothing, and excluded ids', () => {
    expect(combineCandidates([retry, retry2])).toEqual([]);
    const both = candidateFix({ type: 'composite', fixes: [promptFix, repairFix] }, 'rule', 'both');
    expect(combineCandidates([both, prompt])).toEqual([]);
    expect(combineCandidates([prompt, both])).toEqual([]);
    const [first] = combineCandidates([prompt, repair]);
    expect(combineCandidates([prompt, repair], { exclude: [first!.id] })).toEqual([]);
    expect(combineCandidates([prompt, repair, retry], { top: 1 })).toEqual([]);
    expect(() => combineCandidates([], { top: -1 })).toThrow(/top/);
  });

  it('flattens composites and merges their parts once', () => {
    const a = candidateFix({ type: 'composite', fixes: [promptFix, repairFix] }, 'rule', 'a');
    const b = candidateFix({ type: 'composite', fixes: [repairFix, retryFix] }, 'rule', 'b');
    expect(combineCandidates([a, b]).map((c) => c.fix)).toEqual([
      { type: 'composite', fixes: [promptFix, repairFix, retryFix] },
    ]);
  });
});
