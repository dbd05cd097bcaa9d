import type { Fix, OutputRepairFix, ParamPatchFix, PromptAdjustmentFix } from '../fix-types.js';
import { type CandidateFix, candidateFix } from './candidate-fix.js';
import type { CandidateGeneratorInput } from './generator-input.js';
import { fewShotCandidate } from './mine-few-shot.js';
import { outputSchemaOf, responseFormatFix } from './output-schema.js';

const JSON_ONLY =
  'Reply with one valid JSON value and nothing else: no prose before or after it, no markdown code fences, no comments, no trailing commas.';

/**
 * parsing_error (DESIGN.md section 5): the output was not parseable. Repair it (low risk), force
 * structured output against the schema when one is known or can be inferred, make decoding greedy
 * (temperature 0: sampling noise is what breaks the syntax of small models), say so in the prompt,
 * show successful outputs, and the two pairings that cover each other's gaps.
 */
export function parsingCandidates(input: CandidateGeneratorInput): CandidateFix[] {
  const known = outputSchemaOf(input);
  const repair: OutputRepairFix = { type: 'output_repair', json: true, coerce: false };
  const greedy: ParamPatchFix = { type: 'param_patch', params: { temperature: 0 } };
  const prompt: PromptAdjustmentFix = { type: 'prompt_adjustment', instructions: JSON_ONLY };
  const candidates: CandidateFix[] = [
    candidateFix(
      repair,
      'rule',
      'Repairs almost-JSON output (fences, trailing commas, quotes) before it is parsed.',
    ),
    candidateFix(
      greedy,
      'rule',
      'Temperature 0: greedy decoding drifts from the expected syntax less often.',
    ),
    candidateFix(
      prompt,
      'rule',
      'Asks for bare JSON, since prose and code fences around it are what fails to parse.',
    ),
  ];
  if (known !== undefined) {
    const format = responseFormatFix(input, known);
    candidates.push(
      candidateFix(format, 'rule', `Forces structured output against the ${known.source} JSON Schema.`),
      candidateFix(
        composite(format, repair),
        'rule',
        'Structured output, with repair for runtimes that cannot constrain decoding.',
      ),
    );
  }
  candidates.push(
    candidateFix(composite(greedy, repair), 'rule', 'Greedy decoding, with repair for what still breaks.'),
  );
  const fewShot = fewShotCandidate(input);
  if (fewShot !== undefined) candidates.push(fewShot);
  return candidates;
}

function composite(...parts: Exclude<Fix, { type: 'composite' }>[]): Fix {
  return { type: 'composite', fixes: parts };
}
