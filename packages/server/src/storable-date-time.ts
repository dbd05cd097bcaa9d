// Date-times a client sends (RFC 3339, JSON Schema's `date-time`) are kept as epoch milliseconds
// and printed back as RFC 3339. Some RFC 3339 texts allow neither: a leap second (23:59:60, which
// JavaScript dates cannot hold: Date.parse is NaN), an offset without minutes (`+01`, which it
// cannot read), and instants an offset moves before year 0000 or past 9999 (no four-digit year to
// print). Request validation takes only date-times that survive the trip (validator-compiler.ts).

import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is typed as the module namespace.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** 0000-01-01T00:00:00.000Z. */
export const MIN_EPOCH_MS = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z: later instants have no RFC 3339 date-time, which the API answers with. */
export const MAX_EPOCH_MS = 253_402_300_799_999;

const rfc3339 = addFormats.get('date-time', 'full') as { validate: (text: string) => boolean };

/** Whether `text` is an RFC 3339 date-time that is kept and printed back as the same instant. */
export function isStorableDateTime(text: string): boolean {
  if (!rfc3339.validate(text)) return false;
  const epoch = Date.parse(text);
  // NaN fails both comparisons.
  return epoch >= MIN_EPOCH_MS && epoch <= MAX_EPOCH_MS;
}
