// GET /v1/export: the recorded calls of the key's project as a file, streamed.

import { Type } from 'typebox';
import { EXPORT_FORMATS, MAX_EXPORT_PATTERNS } from '../export/index.js';
import { NulFreeText } from './nul-free-text.js';

/** Within Node's 16 KiB bound on a request's head, which answers 431 past it (before any route). */
const MAX_PATTERNS_PARAM = 8_000;

export const ExportQuerySchema = Type.Object({
  format: Type.Enum([...EXPORT_FORMATS], {
    default: 'jsonl',
    description:
      'jsonl and parquet: the calls as recorded; verl: Parquet with the columns of VERL’s RLHFDataset; ' +
      'trl: JSON lines of TRL’s GRPOTrainer dataset (conversational prompt)',
  }),
  patterns: Type.Optional(
    NulFreeText({
      maxLength: MAX_PATTERNS_PARAM,
      description: `Comma-separated pattern ids (at most ${MAX_EXPORT_PATTERNS}): their failures and the successes of their functions`,
    }),
  ),
  since: Type.Optional(
    Type.String({ format: 'date-time', description: 'Only calls made at or after this time' }),
  ),
});

const Binary = Type.String({ format: 'binary' });

/** The 200 answer per content type (OpenAPI 3's `content`), so clients know what they get. */
export const ExportResponseSchema = {
  description: 'The export, streamed; rows are the recorded calls (redacted as stored)',
  content: {
    'application/x-ndjson': { schema: Type.String({ description: 'One JSON object per line' }) },
    'application/vnd.apache.parquet': { schema: Binary },
  },
};
