import type { OutputRepairFix } from '@arc-agent/core';
import { jsonrepair } from 'jsonrepair';
import { coerceToSchema } from './coerce-to-schema.js';

/**
 * Repairs output before validation. Text stays text: broken JSON (code fences, trailing commas,
 * single quotes, unquoted keys, truncation) is repaired with `jsonrepair`, then coerced against
 * the schema and written back as JSON; structured output is coerced in place. Output that cannot
 * be repaired is returned unchanged, so a repair never turns one failure into another.
 */
export function repairOutput(output: unknown, fix: OutputRepairFix): unknown {
  if (typeof output !== 'string') {
    return fix.coerce && fix.schema !== undefined ? coerceToSchema(output, fix.schema) : output;
  }
  let text = output;
  if (fix.json) {
    try {
      text = jsonrepair(output).trim();
    } catch {
      return output;
    }
  }
  if (fix.coerce && fix.schema !== undefined) {
    try {
      return JSON.stringify(coerceToSchema(JSON.parse(text), fix.schema));
    } catch {
      return text;
    }
  }
  return text;
}
