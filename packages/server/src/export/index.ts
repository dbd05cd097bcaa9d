// `arc export` and GET /v1/export: recorded calls per pattern as JSONL, Parquet, or VERL and TRL
// training data, streamed from storage a page at a time.

export { chatMessages } from './chat-messages.js';
export {
  EXPORT_CONTENT_TYPES,
  EXPORT_EXTENSIONS,
  EXPORT_FORMATS,
  type ExportFormat,
  encodeExport,
  JSONL_CONTENT_TYPE,
  PARQUET_CONTENT_TYPE,
} from './export-formats.js';
export type { ExportRecord, TrlRow, VerlRow } from './export-records.js';
export {
  type ExportFilter,
  exportRecords,
  MAX_EXPORT_PATTERNS,
  UnknownPatternError,
} from './export-source.js';
