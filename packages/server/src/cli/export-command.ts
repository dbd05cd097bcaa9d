// `arc export`: the recorded calls of a running server's project (GET /v1/export, read scope) as
// JSON lines, Parquet, or VERL / TRL training data, written to a file or to stdout as it streams in.

import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type Command, Option } from 'commander';
import { EXPORT_FORMATS, type ExportFormat } from '../export/index.js';
import { failCommand, type ServerOptions, streamFromServer, withServerOptions } from './server-client.js';

interface ExportOptions extends ServerOptions {
  format: ExportFormat;
  patterns?: string;
  since?: string;
  out?: string;
}

const BINARY_FORMATS: readonly ExportFormat[] = ['parquet', 'verl'];

export function registerExportCommand(program: Command): void {
  withServerOptions(program.command('export'))
    .description(
      'Write the recorded calls (failures per pattern and successes, redacted as stored) for analysis or training',
    )
    .addOption(
      new Option(
        '--format <format>',
        'jsonl or parquet: the calls as recorded; verl: Parquet for VERL (RLHFDataset); trl: JSON lines for TRL (GRPOTrainer)',
      )
        .choices(EXPORT_FORMATS)
        .default('jsonl'),
    )
    .option('--patterns <ids>', 'comma-separated pattern ids: their failures and their functions’ successes')
    .option('--since <time>', 'only calls made at or after this ISO 8601 time, e.g. 2026-01-31T00:00:00Z')
    .option('--out <file>', 'write here instead of stdout')
    .action(async (options: ExportOptions) => {
      try {
        if (options.out === undefined && BINARY_FORMATS.includes(options.format) && process.stdout.isTTY) {
          throw new Error(`${options.format} is binary: pass --out <file> or redirect stdout`);
        }
        const query = new URLSearchParams({ format: options.format });
        if (options.patterns !== undefined) query.set('patterns', options.patterns);
        if (options.since !== undefined) query.set('since', options.since);
        const body = await streamFromServer(options, `/v1/export?${query}`);
        const sink: Writable = options.out === undefined ? process.stdout : createWriteStream(options.out);
        await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), sink);
      } catch (error) {
        failCommand('export', error);
      }
    });
}
