// Secrets sent in a batch never reach storage: every sample of the core's secret corpus goes in
// through every free-text field, and the secrets issue 12 found kept in clear go in through every
// field an event has; then every API that shows them is read, and the database's own bytes are
// searched (the SQLite files, WAL included; a pg_dump of the PostgreSQL database).

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_CORPUS, type SecretSample } from '../../core/src/secret-corpus.fixture.js';
import { openTestStorages, type TestStorageBackend } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

/** Shows that the search finds what was stored: this text goes in beside every secret. */
const VISIBLE = 'visible-canary-7f3a';

/** The forms a leaked secret could take in the bytes: as is, JSON-escaped, and line by line. */
function leakForms(secret: string): string[] {
  const lines = secret.split('\n').filter((line) => line.trim().length >= 12);
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), ...lines])];
}

/** `label: form` for each sample whose secret shows in `text` in any form. */
function leaksIn(text: string, samples: readonly SecretSample[]): string[] {
  return samples.flatMap(({ label, secret }) =>
    leakForms(secret)
      .filter((form) => text.includes(form))
      .map((form) => `${label}: ${form.slice(0, 40)}`),
  );
}

/** The kinds of secret issue 12 found stored in clear, each in surroundings that make it one. */
const FIELD_SECRETS = [
  'OpenAI project key in a shell export',
  'GitHub classic token as a URL password',
  'GitHub fine-grained personal access token',
  'AWS secret access key in a credentials file',
  'AWS secret access key after the words "aws secret"',
  'Arc API key in an SDK configuration dump',
  'Visa number with spaces',
  'PostgreSQL URL password',
].map((label) => {
  const sample = SECRET_CORPUS.find((s) => s.label === label);
  if (sample === undefined) throw new Error(`no corpus sample ${label}`);
  return sample;
});

/** Short enough for an id (200 characters), still recognisable as a secret. */
function shortText({ context, secret }: SecretSample): string {
  return context.length <= 150 ? context : secret;
}

/** One event with `text` in every field that takes text. */
function eventCarrying(text: string, kind: 'failure' | 'success') {
  return {
    id: `${kind} ${text}`,
    kind,
    function: `tool ${text}`,
    agentId: `agent ${text}`,
    timestamp: '2025-03-14T07:05:00Z',
    durationMs: 12,
    ...(kind === 'failure'
      ? {
          error: {
            type: `Error ${text}`,
            message: `${VISIBLE} ${text}`,
            stack: `Error: ${text}\n    at run (${text})`,
            status: 500,
            code: text,
          },
        }
      : {}),
    input: { prompt: text, [text]: [text] },
    output: { text },
    fixIds: [`fix ${text}`],
    attempt: 1,
    tags: { [`tag ${text}`]: text, visible: VISIBLE },
    traceId: `trace ${text}`,
    outputSchema: {
      type: 'object',
      description: text,
      properties: { [`field ${text}`]: { type: 'string', default: text, examples: [text] } },
    },
  };
}

/** The text of an SSE stream replayed from the start, up to and including stream event `lastId`. */
async function replayedStream(url: string, key: string, lastId: number): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/stream`, {
    headers: { authorization: `Bearer ${key}`, 'last-event-id': '0' },
    signal: controller.signal,
  });
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      if (text.includes(`id: ${lastId}\n`) && text.endsWith('\n\n')) break;
    }
  } finally {
    controller.abort();
  }
  return text;
}

async function databaseText(backend: TestStorageBackend): Promise<string> {
  if (backend.name === 'sqlite') {
    const folder = dirname(backend.location());
    return readdirSync(folder)
      .map((name) => readFileSync(join(folder, name)).toString('latin1'))
      .join('\n');
  }
  const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', '--dbname', backend.location()], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

describe.each(openTestStorages())('secrets never reach storage ($name)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('redacts the whole secret corpus from messages, stacks, inputs, outputs and tags', async () => {
    const key = await server.key(['ingest']);
    const events = SECRET_CORPUS.flatMap(({ context }, i) => [
      {
        kind: 'failure',
        function: `tool${i % 5}`,
        error: {
          type: 'ToolError',
          message: `${VISIBLE} ${context}`,
          stack: `ToolError: failed\n  ${context}`,
        },
        input: { prompt: context, nested: [{ note: context }], [VISIBLE]: VISIBLE },
        output: context,
        tags: { note: context, visible: VISIBLE },
      },
      { kind: 'success', function: `tool${i % 5}`, input: { prompt: context }, output: { text: context } },
    ]);
    const response = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(events.length);

    const text = await databaseText(backend);
    expect(text).toContain(VISIBLE);
    expect(leaksIn(text, SECRET_CORPUS)).toEqual([]);
  });

  it('redacts every field of an event, in every API that shows it and in the stored bytes', async () => {
    const key = await server.key(['ingest', 'read'], 'every-field');
    const events = FIELD_SECRETS.flatMap((sample) => [
      eventCarrying(shortText(sample), 'failure'),
      eventCarrying(shortText(sample), 'success'),
    ]);
    const first = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: events.length, duplicates: 0 });
    // Ids are redacted the same way each time, so a retried batch is still recognised.
    const retried = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(retried.body).toMatchObject({ accepted: 0, duplicates: events.length });

    const get = async (path: string) => {
      const response = await server.request('GET', path, { key });
      expect(response.status, path).toBe(200);
      return response.body;
    };
    const projectId = (await server.storage.ensureProject('every-field')).id;
    const patterns = await get('/v1/patterns?limit=200');
    expect(patterns.patterns).toHaveLength(FIELD_SECRETS.length);
    const details = await Promise.all(
      patterns.patterns.map((p: { id: string }) => get(`/v1/patterns/${encodeURIComponent(p.id)}`)),
    );
    const functions = await get('/v1/functions');
    expect(functions.functions).toHaveLength(FIELD_SECRETS.length);
    const successExamples = await Promise.all(
      functions.functions.map((f: { function: string }) =>
        server.storage.listSuccessExamples(projectId, f.function),
      ),
    );
    const streamed = await server.storage.listStreamEventsAfter(projectId, 0, 1_000);
    const shown = JSON.stringify({
      answers: [first.body, retried.body, patterns, details, functions],
      eventIds: await server.storage.listEventIds(projectId),
      successExamples,
      stream: await replayedStream(server.url, key, streamed[streamed.length - 1]!.id),
    });
    expect(shown).toContain(VISIBLE);
    expect(leaksIn(shown, FIELD_SECRETS)).toEqual([]);

    const stored = await databaseText(backend);
    expect(stored).toContain(VISIBLE);
    expect(leaksIn(stored, FIELD_SECRETS)).toEqual([]);
  });

  it('keeps ids that differ only in their secret apart', async () => {
    const key = await server.key(['ingest'], 'distinct-ids');
    const cards = ['4111 1111 1111 1111', '4242 4242 4242 4242'];
    const events = cards.map((card) => ({ id: `order ${card}`, kind: 'success', function: 'pay' }));
    const response = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(response.body).toMatchObject({ accepted: 2, duplicates: 0 });
  });
});
