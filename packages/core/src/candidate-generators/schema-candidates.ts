import type { OutputRepairFix, PromptAdjustmentFix } from '../fix-types.js';
import { type CandidateFix, candidateFix } from './candidate-fix.js';
import type { CandidateGeneratorInput } from './generator-input.js';
import { fewShotCandidate } from './mine-few-shot.js';
import { outputSchemaOf, responseFormatFix } from './output-schema.js';
import { schemaInstructions } from './schema-instructions.js';

/**
 * api_schema and validation (DESIGN.md section 5): the output did not fit a contract. Tell the model
 * what the error says is wrong, in terms of the schema; show it successful calls; coerce values to
 * the schema's types when a schema is known (a number sent as "12.5" is fixable after the fact);
 * when the contract itself is known (declared, or the tool's parameters), decode against it so the
 * output fits by construction; and instructions together with examples.
 */
export function schemaCandidates(input: CandidateGeneratorInput): CandidateFix[] {
  const known = outputSchemaOf(input);
  const prompt: PromptAdjustmentFix = {
    type: 'prompt_adjustment',
    instructions: schemaInstructions(input.pattern, known?.schema),
  };
  const candidates = [
    candidateFix(prompt, 'rule', 'Instructions that address what the error says is wrong.'),
  ];
  if (known !== undefined) {
    const coerce: OutputRepairFix = { type: 'output_repair', json: true, coerce: true, schema: known.schema };
    candidates.push(
      candidateFix(coerce, 'rule', `Coerces output values to the types of the ${known.source} JSON Schema.`),
    );
    // An inferred schema is a guess at the contract, too weak to force the output into.
    if (known.source !== 'inferred') {
      candidates.push(
        candidateFix(
          responseFormatFix(input, known),
          'rule',
          `Forces structured output against the ${known.source} JSON Schema, so the output fits it by construction.`,
        ),
      );
    }
  }
  const fewShot = fewShotCandidate(input);
  if (fewShot !== undefined) {
    candidates.push(
      fewShot,
      candidateFix(
        { type: 'composite', fixes: [prompt, fewShot.fix] },
        'mined',
        'The instructions together with examples of successful calls.',
      ),
    );
  }
  return candidates;
}
