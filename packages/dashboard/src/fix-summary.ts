// A fix in a line of words, for lists; the page shows its JSON as well.

import type { Fix } from './api-types.js';

export const FIX_TYPE_LABELS: Record<string, string> = {
  prompt_adjustment: 'Prompt adjustment',
  few_shot: 'Few-shot examples',
  param_patch: 'Parameter patch',
  response_format: 'Response format',
  output_repair: 'Output repair',
  retry_policy: 'Retry policy',
  composite: 'Composite',
};

function clip(text: string, max = 90): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function field<T>(fix: Fix, name: string, check: (v: unknown) => v is T): T | undefined {
  const value = fix[name];
  return check(value) ? value : undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isFix = (v: unknown): v is Fix => isObject(v) && typeof v.type === 'string';

export function summarizeFix(fix: Fix): string {
  switch (fix.type) {
    case 'prompt_adjustment':
      return `“${clip(field(fix, 'instructions', isString) ?? '')}”`;
    case 'few_shot': {
      const n = field(fix, 'examples', isArray)?.length ?? 0;
      return `${n} example${n === 1 ? '' : 's'} ahead of the conversation`;
    }
    case 'param_patch': {
      const params = field(fix, 'params', isObject) ?? {};
      return Object.entries(params)
        .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
        .join(', ');
    }
    case 'response_format':
      return `JSON Schema “${field(fix, 'name', isString) ?? ''}”${fix.strict === true ? ', strict' : ''}`;
    case 'output_repair':
      return [fix.json === true ? 'repair JSON' : null, fix.coerce === true ? 'coerce types' : null]
        .filter((x) => x !== null)
        .join(', ');
    case 'retry_policy': {
      const attempts = field(fix, 'maxAttempts', isNumber);
      const base = field(fix, 'baseDelayMs', isNumber);
      return `${attempts ?? '?'} attempts, backoff from ${base ?? '?'} ms`;
    }
    case 'composite':
      return (field(fix, 'fixes', isArray) ?? [])
        .filter(isFix)
        .map((f) => `${FIX_TYPE_LABELS[f.type] ?? f.type}: ${summarizeFix(f)}`)
        .join(' + ');
    default:
      return clip(JSON.stringify(fix));
  }
}
