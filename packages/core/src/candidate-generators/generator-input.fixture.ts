import { expect } from 'vitest';
import type { Category } from '../failure-category.js';
import { fixId } from '../fix-id.js';
import { parseFix } from '../fix-types.js';
import type { CandidateFix } from './candidate-fix.js';
import type { CandidateGeneratorInput } from './generator-input.js';

/** A pattern of `createPayment` with two failing and three successful calls. */
export function paymentInput(
  category: Category,
  normalizedMessage: string,
  extra: Partial<CandidateGeneratorInput> = {},
): CandidateGeneratorInput {
  return {
    pattern: {
      id: 'pat_payment',
      category,
      function: 'createPayment',
      normalizedMessage,
      errorType: 'Error',
    },
    failures: [
      { input: { text: 'pay 12 to bob' }, output: '{"amount": 12', error: 'Unexpected end of JSON input' },
      { input: { text: 'pay 3 EUR to ann' }, output: 'Sure! {"amount": 3}', error: 'Unexpected token S' },
    ],
    successes: [
      { input: { text: 'pay 5 to carl' }, output: { amount: 5, currency: 'USD' } },
      { input: { text: 'send 7 GBP to dee' }, output: { amount: 7, currency: 'GBP' } },
      { input: { text: 'refund 2' }, output: { amount: -2, currency: 'USD', note: 'refund' } },
    ],
    ...extra,
  };
}

/** Every candidate is a valid fix as agents parse it, with its content hash as id. */
export function expectValidCandidates(candidates: readonly CandidateFix[]): void {
  const ids = new Set<string>();
  for (const c of candidates) {
    expect(parseFix(JSON.parse(JSON.stringify(c.fix)))).toEqual({ ok: true, value: c.fix });
    expect(c.id).toBe(fixId(c.fix));
    expect(c.rationale.length).toBeGreaterThan(0);
    expect(ids.has(c.id)).toBe(false);
    ids.add(c.id);
  }
}

export const typesOf = (candidates: readonly CandidateFix[]) =>
  candidates.map((c) => (c.fix.type === 'composite' ? c.fix.fixes.map((f) => f.type).join('+') : c.fix.type));
