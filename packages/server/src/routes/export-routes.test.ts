// GET /v1/export on both backends: every format, the filters, paging past one storage page, the
// scope and bad input. Parquet is read back with hyparquet here; the Python suite (python/tests_trainers)
// reads the same files with pyarrow, datasets and VERL's RLHFDataset.

import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PAGE } from '../export/export-source.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

const T0 = Date.UTC(2026, 0, 1);

async function download(server: TestServer, key: string, query: string) {
  const response = await fetch(`${server.url}/v1/export${query}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const lines = (bytes: Uint8Array) =>
  new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

const parquetRows = (bytes: Uint8Array) => parquetReadObjects({ file: new Uint8Array(bytes).buffer });

describe.each(openTestStorages())('GET /v1/export ($name)', (backend) => {
  let server: TestServer;
  let read: string;
  let parsePattern: string;
  let timeoutPattern: string;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    read = await server.key(['read']);
    const events = [
      ...[0, 1].map((i) => ({
        id: `parse-${i}`,
        kind: 'failure',
        function: 'answer',
        timestamp: T0 + i,
        error: { type: 'SyntaxError', message: `Unexpected token at position ${i}` },
        input: [{ system: 'Reply in JSON.', messages: [{ role: 'user', content: `question ${i}` }] }],
        output: 'not json',
      })),
      {
        id: 'slow-0',
        kind: 'failure',
        function: 'lookup',
        timestamp: T0 + 10,
        error: { type: 'TimeoutError', message: 'took 30 s', code: 'ETIMEDOUT' },
        input: ['mail me at jane@example.com'],
      },
      {
        id: 'ok-0',
        kind: 'success',
        function: 'answer',
        timestamp: T0 + 20,
        input: ['q'],
        output: '{"a":1}',
      },
      { id: 'ok-1', kind: 'success', function: 'lookup', timestamp: T0 + 30, input: ['r'], output: 'r!' },
    ];
    const ingested = await server.request('POST', '/v1/events', { key: server.adminKey, body: { events } });
    expect(ingested.status).toBe(202);
    [parsePattern, timeoutPattern] = ingested.body.patterns.map((p: { id: string }) => p.id);

    // A deployed fix for the parse pattern: proposed, approved, now a canary.
    const proposed = await server.request('POST', `/v1/patterns/${parsePattern}/fixes`, {
      key: server.adminKey,
      body: { fix: { type: 'output_repair', json: true, coerce: false } },
    });
    expect(proposed.status).toBe(201);
    const approved = await server.request('POST', `/v1/approvals/${proposed.body.id}/approve`, {
      key: server.adminKey,
      body: {},
    });
    expect(approved.status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('streams the recorded calls as JSON lines (the default), redacted as stored, with the deployed fix', async () => {
    const { response, bytes } = await download(server, read, '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="arc-export.jsonl"');
    const records = lines(bytes);
    expect(records.map((r) => r.id)).toEqual(['ok-0', 'ok-1', 'parse-0', 'parse-1', 'slow-0']);
    const parse0 = records.find((r) => r.id === 'parse-0');
    expect(parse0).toMatchObject({
      kind: 'failure',
      function: 'answer',
      timestamp: new Date(T0).toISOString(),
      patternId: parsePattern,
      category: 'parsing_error',
      errorType: 'SyntaxError',
      output: 'not json',
      verdict: null,
      deployedFix: { type: 'output_repair', canaryShare: expect.any(Number) },
    });
    const slow = records.find((r) => r.id === 'slow-0');
    expect(slow).toMatchObject({ patternId: timeoutPattern, category: 'timeout', deployedFix: null });
    expect(JSON.stringify(slow.input)).not.toContain('jane@example.com');
    expect(records.find((r) => r.id === 'ok-0')).toMatchObject({ kind: 'success', patternId: null });
  });

  it('filters by patterns (their failures and their functions’ successes) and by time', async () => {
    const only = lines((await download(server, read, `?patterns=${timeoutPattern}`)).bytes);
    expect(only.map((r) => r.id)).toEqual(['ok-1', 'slow-0']);
    const both = lines((await download(server, read, `?patterns=${timeoutPattern},${parsePattern}`)).bytes);
    expect(both).toHaveLength(5);
    const since = new Date(T0 + 10).toISOString();
    const recent = lines((await download(server, read, `?since=${since}&patterns=${parsePattern}`)).bytes);
    expect(recent.map((r) => r.id)).toEqual(['ok-0']);
  });

  it('writes TRL rows: a conversational prompt and the columns reward functions receive', async () => {
    const { response, bytes } = await download(server, read, `?format=trl&patterns=${parsePattern}`);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const rows = lines(bytes);
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(rows[1]).toMatchObject({
      prompt: [
        { role: 'system', content: 'Reply in JSON.' },
        { role: 'user', content: 'question 0' },
      ],
      pattern_id: parsePattern,
      function: 'answer',
      kind: 'failure',
      event_id: 'parse-0',
      ground_truth: null,
    });
  });

  it('writes Parquet: the records as flat columns, free-form values as JSON text', async () => {
    const { response, bytes } = await download(server, read, '?format=parquet');
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="arc-export.parquet"');
    const rows = await parquetRows(bytes);
    expect(rows).toHaveLength(5);
    const parse1 = rows.find((r) => r.id === 'parse-1')!;
    expect(parse1).toMatchObject({
      kind: 'failure',
      pattern_id: parsePattern,
      category: 'parsing_error',
      output: '"not json"',
      verdict_score: null,
    });
    expect(parse1.timestamp).toEqual(new Date(T0 + 1));
    expect(JSON.parse(parse1.input as string)[0].messages[0].content).toBe('question 1');
    expect(JSON.parse(parse1.deployed_fix as string)).toMatchObject({ type: 'output_repair' });
  });

  it('writes VERL Parquet: prompt as a list of messages, reward_model and extra_info as structs', async () => {
    const { bytes } = await download(server, read, `?format=verl&patterns=${parsePattern}`);
    const rows = await parquetRows(bytes);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toEqual({
      data_source: 'arc/answer',
      prompt: [
        { role: 'system', content: 'Reply in JSON.' },
        { role: 'user', content: 'question 1' },
      ],
      ability: 'answer',
      reward_model: { style: 'rule', ground_truth: null },
      extra_info: {
        index: 2n,
        pattern_id: parsePattern,
        category: 'parsing_error',
        function: 'answer',
        kind: 'failure',
        event_id: 'parse-1',
        error_type: 'SyntaxError',
        message: 'Unexpected token at position 1',
        input: JSON.stringify([
          { system: 'Reply in JSON.', messages: [{ role: 'user', content: 'question 1' }] },
        ]),
        verdict_score: null,
      },
    });
  });

  it('answers an empty project with an empty file that is still valid', async () => {
    const other = await server.key(['read'], 'empty-project');
    expect((await download(server, other, '')).bytes).toHaveLength(0);
    expect(await parquetRows((await download(server, other, '?format=verl')).bytes)).toEqual([]);
  });

  it('reads past one storage page, in id order, in every format', async () => {
    const key = await server.key(['ingest', 'read'], 'big-project');
    const total = EXPORT_PAGE * 2 + 7;
    for (let start = 0; start < total; start += 100) {
      const events = Array.from({ length: Math.min(100, total - start) }, (_, k) => ({
        id: `e-${String(start + k).padStart(4, '0')}`,
        kind: 'failure',
        function: 'bulk',
        error: { type: 'Error', message: 'boom' },
        input: [`input ${start + k}`],
      }));
      expect((await server.request('POST', '/v1/events', { key, body: { events } })).status).toBe(202);
    }
    const ids = lines((await download(server, key, '')).bytes).map((r) => r.id);
    expect(ids).toHaveLength(total);
    expect(ids).toEqual([...ids].sort());
    const verl = await parquetRows((await download(server, key, '?format=verl')).bytes);
    expect(verl.map((r) => (r.extra_info as { index: bigint }).index)).toEqual(
      Array.from({ length: total }, (_, i) => BigInt(i)),
    );
    expect(verl[total - 1]!.prompt).toEqual([{ role: 'user', content: `input ${total - 1}` }]);
  });

  it('needs the read scope and says what is wrong with a bad query', async () => {
    const ingestOnly = await server.key(['ingest']);
    expect((await server.request('GET', '/v1/export', { key: ingestOnly })).status).toBe(403);
    expect((await server.request('GET', '/v1/export')).status).toBe(401);

    const cases: [string, string][] = [
      ['?format=csv', '/format'],
      ['?since=yesterday', '/since'],
      ['?patterns=', '/patterns'],
      ['?patterns=a,,b', '/patterns'],
      [`?patterns=${'x'.repeat(201)}`, '/patterns'],
      [`?patterns=${'x,'.repeat(500)}x`, '/patterns'],
      [`?patterns=${'x'.repeat(8_001)}`, '/patterns'],
      ['?patterns=p-nowhere', '/patterns'],
    ];
    for (const [query, path] of cases) {
      const answer = await server.request('GET', `/v1/export${query}`, { key: read });
      expect(answer.status, query).toBe(400);
      expect(
        answer.body.details.map((d: { path: string }) => d.path),
        query,
      ).toContain(path);
    }
    // A longer query than documented would meet Node's 16 KiB bound on a request head: an undocumented 431.
    const document = (await server.request('GET', '/openapi.json')).body;
    const parameters = document.paths['/v1/export'].get.parameters as {
      name: string;
      schema: { maxLength: number };
    }[];
    expect(parameters.find((p) => p.name === 'patterns')!.schema.maxLength).toBeLessThanOrEqual(8_000);
    const unknown = await server.request('GET', '/v1/export?patterns=p-nowhere', { key: read });
    expect(unknown.body.details[0].message).toBe('no pattern p-nowhere in this project');
  });
});
