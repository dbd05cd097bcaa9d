// How big a fix may be. A deployed fix is applied to every call of its function, so its size is a
// cost each call pays (prompt tokens, memory, time): a few-shot fix of 60 MB would be prepended to
// every request. This is the one definition of those bounds. `parseFix` holds fixes to the bounds
// on single fields; `fixLimitProblem` to the rest (nesting, sizes in all), and is checked where a
// fix enters the system: the server refuses a proposed fix past them (400 naming the field), the
// learner drops candidates past them, the SDK skips deployed fixes past them. Sizes count
// characters of JSON text (UTF-16 code units, as JavaScript string lengths do).

import {
  jsonDataProblem,
  MAX_DECLARED_SCHEMA_DEPTH,
  MAX_DECLARED_SCHEMA_LENGTH,
} from './declared-output-schema.js';
import type { FewShotExample, Fix, SimpleFix } from './fix-types.js';

export const FIX_LIMITS = Object.freeze({
  /** A whole fix, as JSON. */
  maxFixChars: 128 * 1024,
  /** One text the model reads: a prompt instruction, an example message's content. */
  maxTextChars: 20_000,
  /** Examples of a few-shot fix. */
  maxExamples: 20,
  /** Messages of one few-shot example. */
  maxExampleMessages: 40,
  /** A few-shot fix's examples together, as JSON: all of it goes ahead of every call. */
  maxExamplesChars: 32 * 1024,
  /**
   * Examples of a few-shot fix with `nearest`: a pool each call gets `nearest` of (then the
   * `nearest` largest together are held to `maxExamplesChars`, the pool to `maxExamplePoolChars`).
   */
  maxExamplePool: 32,
  /** A few-shot pool's examples together, as JSON. */
  maxExamplePoolChars: 96 * 1024,
  /** A schema (structured output, coercion), as JSON: as large as a declared output schema may be. */
  maxSchemaChars: MAX_DECLARED_SCHEMA_LENGTH,
  /** Nesting of a schema and of an example's input or output (a top-level container is depth 1). */
  maxDepth: MAX_DECLARED_SCHEMA_DEPTH,
  /** Parts of a composite fix. */
  maxParts: 10,
});

/** The first field of a fix past a limit, named as `parseFix` names fields (`fix.fixes[1].schema`). */
export interface FixLimitProblem {
  field: string;
  error: string;
}

function jsonSizeProblem(value: unknown, field: string, max: number, what = ''): FixLimitProblem | undefined {
  const size = JSON.stringify(value)?.length ?? 0;
  return size > max
    ? { field, error: `must be at most ${max} characters as JSON${what} (is ${size})` }
    : undefined;
}

function nestingProblem(value: unknown, field: string): FixLimitProblem | undefined {
  const found = jsonDataProblem(value, FIX_LIMITS.maxDepth);
  return found === undefined ? undefined : { field, error: `must hold only JSON data, found ${found}` };
}

function textProblem(text: string, field: string): FixLimitProblem | undefined {
  const max = FIX_LIMITS.maxTextChars;
  return text.length > max ? { field, error: `must be at most ${max} characters` } : undefined;
}

function exampleProblem(example: FewShotExample, field: string): FixLimitProblem | undefined {
  if ('messages' in example) {
    if (example.messages.length > FIX_LIMITS.maxExampleMessages) {
      return {
        field: `${field}.messages`,
        error: `must have at most ${FIX_LIMITS.maxExampleMessages} items`,
      };
    }
    for (const [i, message] of example.messages.entries()) {
      const problem = textProblem(message.content, `${field}.messages[${i}].content`);
      if (problem) return problem;
    }
    return undefined;
  }
  return nestingProblem(example.input, `${field}.input`) ?? nestingProblem(example.output, `${field}.output`);
}

/** What a call gets of a pool at most: its `nearest` largest examples, held to maxExamplesChars. */
function nearestSizeProblem(
  examples: readonly FewShotExample[],
  nearest: number,
  field: string,
): FixLimitProblem | undefined {
  const sizes = examples.map((e) => JSON.stringify(e)?.length ?? 0).sort((a, b) => b - a);
  const largest = sizes.slice(0, nearest).reduce((sum, size) => sum + size + 1, 1);
  const max = FIX_LIMITS.maxExamplesChars;
  return largest > max
    ? {
        field,
        error: `must be at most ${max} characters as JSON for the ${nearest} a call gets (is ${largest})`,
      }
    : undefined;
}

function schemaProblem(schema: unknown, field: string): FixLimitProblem | undefined {
  return nestingProblem(schema, field) ?? jsonSizeProblem(schema, field, FIX_LIMITS.maxSchemaChars);
}

function partProblem(part: SimpleFix, field: string): FixLimitProblem | undefined {
  switch (part.type) {
    case 'prompt_adjustment':
      return textProblem(part.instructions, `${field}.instructions`);
    case 'few_shot': {
      const at = `${field}.examples`;
      const pooled = part.nearest !== undefined;
      const most = pooled ? FIX_LIMITS.maxExamplePool : FIX_LIMITS.maxExamples;
      if (part.examples.length > most) return { field: at, error: `must have at most ${most} items` };
      for (const [i, example] of part.examples.entries()) {
        const problem = exampleProblem(example, `${at}[${i}]`);
        if (problem) return problem;
      }
      if (!pooled) return jsonSizeProblem(part.examples, at, FIX_LIMITS.maxExamplesChars, ' in all');
      return (
        jsonSizeProblem(part.examples, at, FIX_LIMITS.maxExamplePoolChars, ' in all') ??
        nearestSizeProblem(part.examples, part.nearest!, at)
      );
    }
    case 'response_format':
      return schemaProblem(part.schema, `${field}.schema`);
    case 'output_repair':
      return part.schema === undefined ? undefined : schemaProblem(part.schema, `${field}.schema`);
    case 'param_patch':
    case 'retry_policy':
      // Every field of these is bounded one by one when the fix is parsed.
      return undefined;
  }
}

/**
 * The first way `fix` (of the Fix type, as `parseFix` returns it or a generator builds it) is past
 * FIX_LIMITS, or undefined when it is within them. Never throws for such a fix, whatever its
 * examples hold, and stringifies nothing before its nesting is known to be bounded.
 */
export function fixLimitProblem(fix: Fix, field = 'fix'): FixLimitProblem | undefined {
  if (fix.type === 'composite') {
    if (fix.fixes.length > FIX_LIMITS.maxParts) {
      return { field: `${field}.fixes`, error: `must have at most ${FIX_LIMITS.maxParts} items` };
    }
    for (const [i, part] of fix.fixes.entries()) {
      const problem = partProblem(part, `${field}.fixes[${i}]`);
      if (problem) return problem;
    }
  } else {
    const problem = partProblem(fix, field);
    if (problem) return problem;
  }
  return jsonSizeProblem(fix, field, FIX_LIMITS.maxFixChars);
}
