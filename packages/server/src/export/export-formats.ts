// The formats of `arc export` and `GET /v1/export`: each turns the exported records (pulled lazily,
// a storage page at a time) into a byte stream. `jsonl` and `parquet` hold the calls as recorded;
// `verl` is a Parquet file of VERL's RLHFDataset columns, `trl` JSON lines of GRPOTrainer's.

import { Readable } from 'node:stream';
import { type ExportRecord, jsonText, trlRow, verlRow } from './export-records.js';
import {
  type ParquetField,
  parquetField,
  parquetLayout,
  parquetListOfStructs,
  parquetStream,
  parquetStruct,
} from './parquet-stream.js';

export const EXPORT_FORMATS = ['jsonl', 'parquet', 'verl', 'trl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const JSONL_CONTENT_TYPE = 'application/x-ndjson';
export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

const { text, double, int64, timestampMillis } = parquetField;

const RECORD_LAYOUT = parquetLayout([
  text('id'),
  text('kind'),
  text('function'),
  timestampMillis('timestamp'),
  text('agent_id', true),
  text('pattern_id', true),
  text('category', true),
  text('error_type', true),
  text('error', true),
  text('input'),
  text('output'),
  text('fix_ids'),
  text('tags'),
  double('verdict_score', true),
  double('verdict_threshold', true),
  text('deployed_fix', true),
]);

const PROBLEM_INFO: ParquetField[] = [
  int64('index'),
  text('pattern_id', true),
  text('category', true),
  text('function'),
  text('kind'),
  text('event_id'),
  text('error_type', true),
  text('message', true),
  text('input'),
  double('verdict_score', true),
];

const VERL_LAYOUT = parquetLayout([
  text('data_source'),
  parquetListOfStructs('prompt', [text('role'), text('content')]),
  text('ability'),
  parquetStruct('reward_model', [text('style'), text('ground_truth', true)]),
  parquetStruct('extra_info', PROBLEM_INFO),
]);

/** A flat Parquet row of a record: free-form values as JSON text. */
function recordColumns(r: ExportRecord): Record<string, unknown> {
  return {
    id: r.id,
    kind: r.kind,
    function: r.function,
    timestamp: Date.parse(r.timestamp),
    agent_id: r.agentId,
    pattern_id: r.patternId,
    category: r.category,
    error_type: r.errorType,
    error: r.error === null ? null : jsonText(r.error),
    input: jsonText(r.input),
    output: jsonText(r.output),
    fix_ids: jsonText(r.fixIds),
    tags: jsonText(r.tags),
    verdict_score: r.verdict?.score ?? null,
    verdict_threshold: r.verdict?.threshold ?? null,
    deployed_fix: r.deployedFix === null ? null : jsonText(r.deployedFix),
  };
}

async function* mapRows<T>(
  records: AsyncIterable<ExportRecord>,
  toRow: (record: ExportRecord, index: number) => T,
): AsyncGenerator<T> {
  let index = 0;
  for await (const record of records) yield toRow(record, index++);
}

async function* jsonLines(rows: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: JSONL_CONTENT_TYPE,
  trl: JSONL_CONTENT_TYPE,
  parquet: PARQUET_CONTENT_TYPE,
  verl: PARQUET_CONTENT_TYPE,
};

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = {
  jsonl: 'jsonl',
  trl: 'jsonl',
  parquet: 'parquet',
  verl: 'parquet',
};

/** The export in `format`, as bytes; records are read only as fast as the stream is consumed. */
export function encodeExport(format: ExportFormat, records: AsyncIterable<ExportRecord>): Readable {
  switch (format) {
    case 'jsonl':
      return Readable.from(jsonLines(records));
    case 'trl':
      return Readable.from(jsonLines(mapRows(records, trlRow)));
    case 'parquet':
      return parquetStream(mapRows(records, recordColumns), RECORD_LAYOUT);
    case 'verl':
      return parquetStream(
        mapRows(records, (record, index) => {
          const row = verlRow(record, index);
          // Parquet's INT64 takes a bigint.
          return { ...row, extra_info: { ...row.extra_info, index: BigInt(row.extra_info.index) } };
        }),
        VERL_LAYOUT,
      );
  }
}
