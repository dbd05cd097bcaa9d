/**
 * The kinds of failure Arc tells apart (DESIGN.md section 4); each has its own fix generators.
 * `wrong_answer` is a call that returned but that a verifier or a person judged wrong (verdict.ts).
 */
export const CATEGORIES = [
  'api_schema',
  'auth_failure',
  'parsing_error',
  'timeout',
  'validation',
  'rate_limit',
  'network',
  'wrong_answer',
  'unknown',
] as const;

export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
