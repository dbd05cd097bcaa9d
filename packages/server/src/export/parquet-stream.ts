// Rows to a Parquet byte stream with hyparquet-writer: rows are pulled one row group at a time and
// each finished group is handed to the stream (waiting while the reader is behind), so memory holds
// one row group, whatever the export's size. The footer goes out last, as Parquet has it.

import { PassThrough, type Readable } from 'node:stream';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter, parquetWriteRows } from 'hyparquet-writer';

/** Rows per row group: bounds what is held at once (each row is bounded at ingest). */
export const PARQUET_ROW_GROUP = 256;

export interface ParquetLayout {
  /** The whole schema, root first, in Parquet's flattened form. */
  schema: SchemaElement[];
  /** The top-level columns, in schema order. */
  columns: string[];
}

/** Resolves when the reader has caught up; rejects when the stream closes first (a client gone). */
function drained(out: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      out.off('drain', onDrain);
      reject(new Error('the export stream closed before it was read to the end'));
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}

/** A ByteWriter that hands its bytes to the stream after each row group and at the end. */
class StreamingByteWriter extends ByteWriter {
  constructor(private readonly out: PassThrough) {
    super();
  }

  async flush(): Promise<void> {
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    if (this.out.destroyed) throw new Error('the export stream closed before it was read to the end');
    if (chunk.length > 0 && !this.out.write(chunk)) await drained(this.out);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

export function parquetStream(rows: AsyncIterable<Record<string, unknown>>, layout: ParquetLayout): Readable {
  const out = new PassThrough();
  const written = parquetWriteRows({
    writer: new StreamingByteWriter(out),
    rows,
    columns: layout.columns.map((name) => ({ name })),
    schema: layout.schema,
    rowGroupSize: PARQUET_ROW_GROUP,
    createdBy: 'arc export',
  });
  Promise.resolve(written).then(
    () => out.end(),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}

const text = (name: string, optional = false): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: optional ? 'OPTIONAL' : 'REQUIRED',
});

/** Parquet's schema elements, built without counting children by hand. */
export const parquetField = {
  text,
  double: (name: string, optional = false): SchemaElement => ({
    name,
    type: 'DOUBLE',
    repetition_type: optional ? 'OPTIONAL' : 'REQUIRED',
  }),
  int64: (name: string): SchemaElement => ({ name, type: 'INT64', repetition_type: 'REQUIRED' }),
  timestampMillis: (name: string): SchemaElement => ({
    name,
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    repetition_type: 'REQUIRED',
  }),
};

/** A nested field: the group element followed by its children's elements. */
export type ParquetField = SchemaElement | SchemaElement[];

function flatten(field: ParquetField): SchemaElement[] {
  return Array.isArray(field) ? field : [field];
}

/** A required struct of the given fields. */
export function parquetStruct(name: string, fields: ParquetField[]): SchemaElement[] {
  return [{ name, repetition_type: 'REQUIRED', num_children: fields.length }, ...fields.flatMap(flatten)];
}

/** A required list (Parquet's three-level LIST) of required structs of the given fields. */
export function parquetListOfStructs(name: string, fields: ParquetField[]): SchemaElement[] {
  return [
    { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    ...parquetStruct('element', fields),
  ];
}

export function parquetLayout(fields: ParquetField[]): ParquetLayout {
  const top = fields.map((f) => flatten(f)[0]!.name);
  return {
    schema: [{ name: 'root', num_children: fields.length }, ...fields.flatMap(flatten)],
    columns: top,
  };
}
