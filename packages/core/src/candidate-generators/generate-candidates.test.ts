import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../failure-category.js';
import { generateCandidates } from './generate-candidates.js';
import { expectValidCandidates, paymentInput } from './generator-input.fixture.js';
import { parsingCandidates } from './parsing-candidates.js';
import { schemaCandidates } from './schema-candidates.js';
import { transientCandidates } from './transient-candidates.js';
import { unknownCandidates } from './unknown-candidates.js';
import { wrongAnswerCandidates } from './wrong-answer-candidates.js';

describe('generateCandidates', () => {
  it('escalates authentication failures with no candidates', () => {
    const generation = generateCandidates(paymentInput('auth_failure', '401 Incorrect API key provided'));
    expect(generation.kind).toBe('escalate');
    expect(generation).not.toHaveProperty('candidates');
    expect(generation.kind === 'escalate' && generation.reason).toMatch(/createPayment/);
  });

  it('dispatches every other category to its generators, each fix once', () => {
    const expected = {
      parsing_error: parsingCandidates,
      api_schema: schemaCandidates,
      validation: schemaCandidates,
      timeout: (i: ReturnType<typeof paymentInput>) => transientCandidates('timeout', i.failures),
      rate_limit: (i: ReturnType<typeof paymentInput>) => transientCandidates('rate_limit', i.failures),
      network: (i: ReturnType<typeof paymentInput>) => transientCandidates('network', i.failures),
      wrong_answer: wrongAnswerCandidates,
      unknown: unknownCandidates,
    };
    for (const category of CATEGORIES) {
      if (category === 'auth_failure') continue;
      const input = paymentInput(category, '"currency" is required');
      const generation = generateCandidates(input);
      if (generation.kind !== 'candidates') throw new Error(`${category} escalated`);
      expect(generation.candidates.length).toBeGreaterThan(0);
      expectValidCandidates(generation.candidates);
      expect(generation.candidates).toEqual(expected[category](input));
    }
  });
});
