// What the CLI's server commands share: `--url` and `--key` (an admin key, best passed as
// ARC_ADMIN_KEY: arguments show in ps), `--json`, one JSON request to the server, and its error
// answers turned into messages (the server's `error` and the fields its `details` name).

import { type Command, Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT } from '../server.js';
import { terminalText } from './terminal-text.js';

export interface ServerOptions {
  url: string;
  key?: string;
  json?: boolean;
}

export const DEFAULT_SERVER_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;

export function withServerOptions(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', 'the Arc server').env('ARC_URL').default(DEFAULT_SERVER_URL))
    .addOption(
      new Option('--key <key>', 'an admin key of the project (prefer the env var)').env('ARC_ADMIN_KEY'),
    )
    .option('--json', 'print JSON instead of text');
}

/** An answer of the server that is not a success, as a message fit for a terminal. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

/** Time allowed until the server's answer starts (a streamed body may take longer). */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * `--url` without its trailing slashes; a URL with a user or password is refused without being
 * echoed (fetch would refuse it too, and it is no place for a secret: the key goes in --key).
 */
function serverUrl(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`--url ${text} is not an http(s) URL (expected e.g. ${DEFAULT_SERVER_URL})`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error('--url must not hold a user or password: pass the key with --key or ARC_ADMIN_KEY');
  }
  return text.replace(/\/+$/, '');
}

/** Sends one request; resolves with the answer once it starts, rejects with the server's error. */
async function request(options: ServerOptions, method: 'GET' | 'POST', path: string, body?: unknown) {
  if (options.key === undefined || options.key === '') {
    throw new Error('no key: pass --key or set ARC_ADMIN_KEY');
  }
  const url = `${serverUrl(options.url)}${path}`;
  const answerStarted = new AbortController();
  const timer = setTimeout(() => answerStarted.abort(), ANSWER_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${options.key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: answerStarted.signal,
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`cannot reach the server at ${options.url}${cause}`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const answer = parseJson(await response.text()) as {
      error?: unknown;
      details?: { path: string; message: string }[];
    } | null;
    const details = (Array.isArray(answer?.details) ? answer.details : [])
      .map((d) => ` (${d?.path} ${d?.message})`)
      .join('');
    const message = typeof answer?.error === 'string' ? answer.error : `HTTP ${response.status}`;
    throw new ServerError(response.status, `${message}${details}`);
  }
  return response;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return null; // Not JSON: the status says enough.
  }
}

/** Sends one request; resolves with the parsed JSON body of a 2xx answer. */
export async function callServer<T>(
  options: ServerOptions,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await request(options, method, path, body);
  const answer = parseJson(await response.text());
  // Every answer the CLI reads is an object: anything else is not Arc's (a proxy's page, say).
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw new Error(
      `the server at ${options.url} answered ${response.status} without a JSON object: is --url an Arc server?`,
    );
  }
  return answer as T;
}

/** A GET whose 2xx body is read as it arrives (exports). */
export async function streamFromServer(
  options: ServerOptions,
  path: string,
): Promise<ReadableStream<Uint8Array>> {
  const response = await request(options, 'GET', path);
  if (response.body === null) throw new Error('the server answered without a body');
  return response.body;
}

/** Prints rows as aligned columns, the first row being the header; cells as terminalText. */
export function printTable(table: string[][]): void {
  const rows = table.map((row) => row.map(terminalText));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}

/** A listing: JSON with --json, else a table under its header, or a sentence when it is empty. */
export function printListing<T>(
  json: boolean | undefined,
  rows: T[],
  empty: string,
  header: string[],
  toRow: (row: T) => string[],
): void {
  if (json) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else if (rows.length === 0) process.stdout.write(`${empty}\n`);
  else printTable([header, ...rows.map(toRow)]);
}

/** Reports a failed command on stderr and sets the exit code. */
export function failCommand(name: string, error: unknown): void {
  // The server's message may quote client text.
  process.stderr.write(
    `arc ${name}: ${terminalText(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exitCode = 1;
}
