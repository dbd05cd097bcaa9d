// Text that is looked up, or that a person types (path parameters, query filters, key names,
// comments). `%00` and "\u0000" decode to U+0000, which PostgreSQL text refuses with an error and
// no person means, so it is a 400 here on both backends. (URL decoding already turns invalid UTF-8
// into U+FFFD; text programs report, event bodies and rollout results, is cleaned, not refused:
// see storable-text.ts.)

import { Type } from 'typebox';

/** Longest comment or reason a person writes (fix proposals, approval decisions, rollbacks). */
export const MAX_COMMENT_LENGTH = 2_000;

/** What a person writes about a fix: stored redacted (client-text.ts); a NUL is refused, as in names. */
export function CommentText(description: string) {
  return NulFreeText({ minLength: 0, maxLength: MAX_COMMENT_LENGTH, description });
}

export function NulFreeText(options: { maxLength: number; minLength?: number; description?: string }) {
  return Type.String({ minLength: 1, pattern: '^[^\\u0000]*$', ...options });
}
