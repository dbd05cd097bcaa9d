import type { PromptAdjustmentFix } from '../fix-types.js';
import { type CandidateFix, candidateFix } from './candidate-fix.js';
import type { CandidateGeneratorInput } from './generator-input.js';
import { nearestFewShotCandidate } from './mine-few-shot.js';
import { verdictInstructions } from './verdict-instructions.js';

/**
 * wrong_answer (DESIGN.md section 5): the call returned, and a verifier judged the answer wrong.
 * Nothing about the output's form is broken, so neither repair nor structured output helps; what
 * can is showing the model how similar inputs were answered right (examples chosen per input from
 * successful calls), telling it what the verifier keeps finding, and both together. Retries do not
 * apply: a verdict comes after the call has returned.
 */
export function wrongAnswerCandidates(input: CandidateGeneratorInput): CandidateFix[] {
  const candidates: CandidateFix[] = [];
  const instructions = verdictInstructions(input.pattern, input.failures);
  const prompt: PromptAdjustmentFix | undefined =
    instructions === undefined ? undefined : { type: 'prompt_adjustment', instructions };
  if (prompt !== undefined) {
    candidates.push(
      candidateFix(prompt, 'rule', 'Instructions from what the verifier said about the wrong answers.'),
    );
  }
  const fewShot = nearestFewShotCandidate(input);
  if (fewShot !== undefined) candidates.push(fewShot);
  if (prompt !== undefined && fewShot !== undefined) {
    candidates.push(
      candidateFix(
        { type: 'composite', fixes: [prompt, fewShot.fix] },
        'mined',
        "The verifier's findings together with examples of similar calls answered right.",
      ),
    );
  }
  return candidates;
}
