import type { PromptAdjustmentFix, RetryPolicyFix } from '../fix-types.js';
import { type CandidateFix, candidateFix } from './candidate-fix.js';
import type { CandidateGeneratorInput } from './generator-input.js';
import { fewShotCandidate } from './mine-few-shot.js';
import { outputSchemaOf } from './output-schema.js';
import { schemaInstructions } from './schema-instructions.js';

/**
 * unknown (DESIGN.md section 5): nothing says what kind of failure it is, so try both readings: the
 * output was wrong (instructions from the error, examples of successful calls) or the moment was
 * (a bounded retry), and the two together.
 */
export function unknownCandidates(input: CandidateGeneratorInput): CandidateFix[] {
  const prompt: PromptAdjustmentFix = {
    type: 'prompt_adjustment',
    instructions: schemaInstructions(input.pattern, outputSchemaOf(input)?.schema),
  };
  const retry: RetryPolicyFix = {
    type: 'retry_policy',
    maxAttempts: 3,
    baseDelayMs: 500,
    maxDelayMs: 8_000,
    jitter: 'full',
    retryOn: { categories: ['unknown'], statuses: [] },
  };
  const candidates = [
    candidateFix(prompt, 'rule', 'Instructions built from the error, in case the output caused it.'),
    candidateFix(retry, 'rule', 'Up to 3 attempts with backoff, in case the failure is transient.'),
    candidateFix(
      { type: 'composite', fixes: [prompt, retry] },
      'rule',
      'The instructions and the retry together.',
    ),
  ];
  const fewShot = fewShotCandidate(input);
  if (fewShot !== undefined) candidates.push(fewShot);
  return candidates;
}
