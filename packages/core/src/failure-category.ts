/** The kinds of failure Arc tells apart (DESIGN.md section 4); each has its own fix generators. */
export const CATEGORIES = [
  'api_schema',
  'auth_failure',
  'parsing_error',
  'timeout',
  'validation',
  'rate_limit',
  'network',
  'unknown',
] as const;

export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
