// Text that is looked up or stored as is (path parameters, query filters, key names). `%00` and
// "\u0000" decode to U+0000, which PostgreSQL text refuses with an error, so it is a 400 here.
// (URL decoding already turns invalid UTF-8 into U+FFFD; event bodies are cleaned, not refused:
// see storable-text.ts.)

import { Type } from 'typebox';

export function NulFreeText(options: { maxLength: number; description?: string }) {
  return Type.String({ minLength: 1, pattern: '^[^\\u0000]*$', ...options });
}
