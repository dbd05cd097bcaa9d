import { describe, expect, it } from 'vitest';
import { expectValidCandidates, paymentInput, typesOf } from './generator-input.fixture.js';
import { nearestFewShotCandidate } from './mine-few-shot.js';
import { verdictInstructions } from './verdict-instructions.js';
import { wrongAnswerCandidates } from './wrong-answer-candidates.js';

const verdicts = (...messages: string[]) =>
  messages.map((error, i) => ({ input: { text: `pay ${i}` }, error }));

describe('wrongAnswerCandidates', () => {
  it("proposes the verifier's findings, examples chosen per input, and both together", () => {
    const input = paymentInput('wrong_answer', "expected currency 'EUR', got <value>", {
      failures: verdicts("expected currency 'EUR', got 'USD'", "expected currency 'EUR', got 'GBP'"),
      successes: Array.from({ length: 10 }, (_, i) => ({
        input: { text: `pay ${i} EUR to person ${i}` },
        output: { amount: i, currency: 'EUR' },
      })),
    });
    const candidates = wrongAnswerCandidates(input);
    expectValidCandidates(candidates);
    expect(typesOf(candidates)).toEqual(['prompt_adjustment', 'few_shot', 'prompt_adjustment+few_shot']);
    const [prompt, fewShot, both] = candidates;
    expect(prompt!.fix).toEqual({
      type: 'prompt_adjustment',
      instructions: verdictInstructions(input.pattern, input.failures),
    });
    expect(prompt!.fix.type === 'prompt_adjustment' && prompt!.fix.instructions).toContain(
      "- Use currency 'EUR'.",
    );
    expect(fewShot).toEqual(nearestFewShotCandidate(input));
    expect(fewShot!.fix).toMatchObject({ nearest: 3 });
    expect(both!.fix).toEqual({ type: 'composite', fixes: [prompt!.fix, fewShot!.fix] });
  });

  it('proposes what it can: examples without messages, instructions without successes', () => {
    const bare = paymentInput('wrong_answer', '', { failures: [{ input: { text: 'pay 1' } }] });
    expect(typesOf(wrongAnswerCandidates(bare))).toEqual(['few_shot']);
    const noSuccesses = paymentInput('wrong_answer', 'x', {
      failures: verdicts('too polite'),
      successes: [],
    });
    expect(typesOf(wrongAnswerCandidates(noSuccesses))).toEqual(['prompt_adjustment']);
    expect(wrongAnswerCandidates({ ...noSuccesses, failures: [{ input: 1 }] })).toEqual([]);
  });
});
