// Fixes carry text people write (a fix proposed through the API): instructions, examples, schemas,
// parameters. Before such a fix is stored and deployed, its secrets go the way of all client text,
// each part redacted as what it is, so that the fix keeps its shape and still parses.

import type { Fix, SimpleFix } from './fix-types.js';
import { type RedactOptions, redactJsonSchema, redactSecrets, redactText } from './redact-secrets.js';

/** What a response format's name becomes when it held a secret: names are `[A-Za-z0-9_-]`, markers are not. */
export const REDACTED_SCHEMA_NAME = 'redacted';

function redactPart(fix: SimpleFix, options: RedactOptions | undefined): SimpleFix {
  switch (fix.type) {
    case 'prompt_adjustment':
      return { ...fix, instructions: redactText(fix.instructions, options) };
    case 'few_shot':
      return { ...fix, examples: redactSecrets(fix.examples, options).value };
    case 'param_patch':
      return { ...fix, params: redactSecrets(fix.params, options).value };
    case 'response_format':
      return {
        ...fix,
        name: redactText(fix.name, options) === fix.name ? fix.name : REDACTED_SCHEMA_NAME,
        schema: redactJsonSchema(fix.schema, options),
      };
    case 'output_repair':
      return fix.schema === undefined ? fix : { ...fix, schema: redactJsonSchema(fix.schema, options) };
    case 'retry_policy':
      return fix;
  }
}

/**
 * A copy of `fix` with the secrets in its text replaced as redactSecrets replaces them: in
 * instructions, examples (values under secret-sounding keys hidden too) and parameters; in schemas
 * as redactJsonSchema does (property schemas kept). A valid fix stays valid.
 */
export function redactFix(fix: Fix, options?: RedactOptions): Fix {
  if (fix.type === 'composite') return { ...fix, fixes: fix.fixes.map((part) => redactPart(part, options)) };
  return redactPart(fix, options);
}
