import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { learningResult, seedApprovals } from './learning-seed.fixture.js';

const verdict = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  callId: `call-${id}`,
  function: 'weather.answer',
  score: 0,
  message: "expected unit 'celsius', got 'fahrenheit'",
  input: [{ city: 'Paris' }],
  output: { temperature: 68, unit: 'fahrenheit' },
  timestamp: '2025-03-01T10:00:00.000Z',
  ...extra,
});
const SECRET = 'sk-proj-4f9Qz2LmX8vB7nR1tY6uW3eK0pJ5sD';

describe.each(openTestStorages())('POST /v1/feedback ($name)', (backend) => {
  let storage: Storage;
  let server: TestServer;
  let ingestKey: string;

  beforeAll(async () => {
    storage = await backend.open();
    server = await startTestServer(storage, { limits: { maxBatchEvents: 5, maxBodyBytes: 64 * 1024 } });
    ingestKey = await server.key(['ingest']);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const post = (body: unknown, key = ingestKey) => server.request('POST', '/v1/feedback', { key, body });
  /** A fresh project with an admin key, so each test reads only its own counts. */
  const project = async (name: string) => {
    const key = await server.key(['admin'], name);
    const { id } = await storage.ensureProject(name);
    return { key, id };
  };
  const functionStats = async (key: string) =>
    (await server.request('GET', '/v1/functions', { key })).body.functions as {
      function: string;
      successes: number;
      failures: number;
    }[];

  describe('bad input: 400 naming the field, nothing stored', () => {
    const cases: [string, unknown, string][] = [
      ['feedback missing', {}, '/feedback'],
      ['feedback not an array', { feedback: verdict('a') }, '/feedback'],
      ['id missing', { feedback: [{ ...verdict('a'), id: undefined }] }, '/feedback/0/id'],
      ['id empty', { feedback: [verdict('')] }, '/feedback/0/id'],
      ['id too long', { feedback: [verdict('i'.repeat(201))] }, '/feedback/0/id'],
      ['callId missing', { feedback: [{ ...verdict('a'), callId: undefined }] }, '/feedback/0/callId'],
      [
        'function missing',
        { feedback: [verdict('a'), { ...verdict('b'), function: undefined }] },
        '/feedback/1/function',
      ],
      [
        'function too long',
        { feedback: [verdict('a', { function: 'f'.repeat(257) })] },
        '/feedback/0/function',
      ],
      ['score missing', { feedback: [{ ...verdict('a'), score: undefined }] }, '/feedback/0/score'],
      ['score above 1', { feedback: [verdict('a', { score: 1.5 })] }, '/feedback/0/score'],
      ['score as text', { feedback: [verdict('a', { score: '0' })] }, '/feedback/0/score'],
      ['threshold below 0', { feedback: [verdict('a', { threshold: -0.1 })] }, '/feedback/0/threshold'],
      ['label empty', { feedback: [verdict('a', { label: '' })] }, '/feedback/0/label'],
      ['label too long', { feedback: [verdict('a', { label: 'l'.repeat(201) })] }, '/feedback/0/label'],
      ['message not text', { feedback: [verdict('a', { message: 7 })] }, '/feedback/0/message'],
      [
        'timestamp missing',
        { feedback: [{ ...verdict('a'), timestamp: undefined }] },
        '/feedback/0/timestamp',
      ],
      ['timestamp not a date', { feedback: [verdict('a', { timestamp: 'today' })] }, '/feedback/0/timestamp'],
      [
        'date-time past year 9999 by its offset',
        { feedback: [verdict('a', { timestamp: '9999-12-31T23:59:59-01:00' })] },
        '/feedback/0/timestamp',
      ],
      [
        'a leap second',
        { feedback: [verdict('a', { timestamp: '2016-12-31T23:59:60Z' })] },
        '/feedback/0/timestamp',
      ],
      [
        'an offset without minutes',
        { feedback: [verdict('a', { timestamp: '2025-03-01T10:00:00+01' })] },
        '/feedback/0/timestamp',
      ],
      ['tag value not text', { feedback: [verdict('a', { tags: { arm: 1 } })] }, '/feedback/0/tags/arm'],
      ['fixIds not an array', { feedback: [verdict('a', { fixIds: 'fx' })] }, '/feedback/0/fixIds'],
      ['too many verdicts', { feedback: Array.from({ length: 6 }, (_, i) => verdict(`v${i}`)) }, '/feedback'],
    ];
    it.each(cases)('%s → 400 at %s', async (_name, body, path) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(typeof response.body.error).toBe('string');
      expect(response.body.details).toContainEqual({ path, message: expect.any(String) });
    });

    it('answers 413 past the body limit, 415 to anything but JSON, and stores none of it', async () => {
      expect((await post({ feedback: [verdict('big', { input: 'x'.repeat(70 * 1024) })] })).status).toBe(413);
      const form = await server.request('POST', '/v1/feedback', {
        key: ingestKey,
        body: 'feedback=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
      expect(await storage.countEvents(server.projectId)).toBe(0);
    });
  });

  it('needs a key with the ingest scope', async () => {
    expect((await server.request('POST', '/v1/feedback', { body: { feedback: [] } })).status).toBe(401);
    const readOnly = await post({ feedback: [] }, await server.key(['read', 'worker']));
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error).toMatch(/ingest/);
  });

  it('makes a wrong answer a wrong_answer failure of the call, whose success it takes back', async () => {
    const { key } = await project('wrong');
    // The call returned and was counted as a success; then it was judged.
    const call = {
      kind: 'success',
      function: 'weather.answer',
      id: 'call-event',
      input: [{ city: 'Paris' }],
    };
    expect((await server.request('POST', '/v1/events', { key, body: { events: [call] } })).status).toBe(202);
    const response = await post(
      { feedback: [verdict('w1', { label: 'wrong_unit', tags: { env: 'prod' } })] },
      key,
    );
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      accepted: 1,
      duplicates: 0,
      patterns: [
        { id: expect.stringMatching(/^pat_/), category: 'wrong_answer', occurrences: 1, created: true },
      ],
    });
    const pattern = await server.request('GET', `/v1/patterns/${response.body.patterns[0].id}`, { key });
    expect(pattern.body).toMatchObject({
      category: 'wrong_answer',
      function: 'weather.answer',
      errorType: 'wrong_unit',
      normalizedMessage: "expected unit 'celsius', got <value>",
    });
    // The example is what rollouts replay: the call's input, with what it answered and what was wrong.
    expect(pattern.body.examples).toEqual([
      expect.objectContaining({
        input: [{ city: 'Paris' }],
        output: { temperature: 68, unit: 'fahrenheit' },
        error: { type: 'wrong_unit', message: "expected unit 'celsius', got 'fahrenheit'" },
        timestamp: '2025-03-01T10:00:00.000Z',
      }),
    ]);
    expect(await functionStats(key)).toEqual([
      expect.objectContaining({ function: 'weather.answer', successes: 0, failures: 1 }),
    ]);
    // The dashboard's live stream hears of it like of any failure.
    const { id } = await storage.ensureProject('wrong');
    const stream = await storage.listStreamEventsAfter(id, 0, 100);
    expect(stream.map((e) => e.type)).toEqual(['pattern.created', 'failures.ingested']);
    expect(stream[1]!.data).toMatchObject({
      failures: 1,
      patterns: [{ category: 'wrong_answer', count: 1 }],
    });
  });

  it('stores a verdict once however often it is sent', async () => {
    const { key } = await project('idempotent');
    const batch = { feedback: [verdict('once'), verdict('twice'), verdict('once')] };
    expect((await post(batch, key)).body).toMatchObject({ accepted: 2, duplicates: 1 });
    const retried = await post(batch, key);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await functionStats(key)).toEqual([expect.objectContaining({ failures: 2 })]);
    // Verdict ids live apart from event ids: an event with the same id is another thing.
    const event = { kind: 'success', function: 'weather.answer', id: 'once' };
    expect(
      (await server.request('POST', '/v1/events', { key, body: { events: [event] } })).body,
    ).toMatchObject({
      accepted: 1,
    });
  });

  it('keeps a right answer a success, counted once, and its example among the successful calls', async () => {
    const { key, id } = await project('right');
    const call = { kind: 'success', function: 'weather.answer', id: 'c', input: [{ city: 'Oslo' }] };
    await server.request('POST', '/v1/events', { key, body: { events: [call] } });
    const right = verdict('r1', { score: 0.9, input: [{ city: 'Rome' }], output: { unit: 'celsius' } });
    const response = await post({ feedback: [right, verdict('r2', { score: 1, output: undefined })] }, key);
    expect(response.body).toEqual({ accepted: 2, duplicates: 0, patterns: [] });
    expect(await functionStats(key)).toEqual([expect.objectContaining({ successes: 1, failures: 0 })]);
    const examples = await storage.listSuccessExamples(id, 'weather.answer');
    expect(examples.map((e) => e.input)).toEqual([[{ city: 'Oslo' }], [{ city: 'Rome' }]]);
  });

  it('judges by the threshold given, 0.5 by default', async () => {
    const { key } = await project('threshold');
    const response = await post(
      {
        feedback: [
          verdict('t1', { score: 0.7, threshold: 0.8 }),
          verdict('t2', { score: 0.5 }),
          verdict('t3', { score: 0.49 }),
        ],
      },
      key,
    );
    expect(response.body).toMatchObject({
      accepted: 3,
      patterns: [{ category: 'wrong_answer', occurrences: 2 }],
    });
  });

  it('redacts secrets and personal data in every text field, the call id included', async () => {
    const { key } = await project('redacted');
    const secret = SECRET;
    const response = await post(
      {
        feedback: [
          verdict('s1', {
            callId: 'ada@example.com',
            label: `leak ${secret}`,
            message: `answered with ${secret} for ada@example.com`,
            input: [{ apiKey: secret, note: 'mail ada@example.com' }],
            output: `token ${secret}`,
            tags: { user: 'ada@example.com' },
          }),
        ],
      },
      key,
    );
    expect(response.status).toBe(202);
    const pattern = await server.request('GET', `/v1/patterns/${response.body.patterns[0].id}`, { key });
    const { id } = await storage.ensureProject('redacted');
    const stored = JSON.stringify([
      pattern.body,
      await storage.listFailureExamples(id, response.body.patterns[0].id),
      // The events as stored, the verdict's call id with them.
      await storage.scanEvents(id, { limit: 10 }),
    ]);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain('ada@example.com');
    expect(pattern.body.examples[0].error.message).toMatch(/^answered with \S+ for \S+$/);
  });

  it("redacts a call id as its call's event id is redacted: the verdict still names its call", async () => {
    const { key, id } = await project('secret-call-id');
    const callId = `req/${SECRET}`;
    const call = { kind: 'success', function: 'weather.answer', id: callId, input: [{ city: 'Paris' }] };
    expect((await server.request('POST', '/v1/events', { key, body: { events: [call] } })).status).toBe(202);
    const response = await post({ feedback: [verdict('w-secret', { callId })] }, key);
    expect(response.status).toBe(202);
    expect(response.body.patterns).toEqual([
      expect.objectContaining({ category: 'wrong_answer', occurrences: 1, created: true }),
    ]);
    expect(await functionStats(key)).toEqual([
      expect.objectContaining({ function: 'weather.answer', successes: 0, failures: 1 }),
    ]);
    const stored = await storage.scanEvents(id, { limit: 10 });
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    const [event, judged] = [stored.find((e) => !e.verdict), stored.find((e) => e.verdict)];
    // The same placeholder, keyed by the credential both came with.
    expect(event!.id).toMatch(/^req\/\[REDACTED:\w+#[0-9a-f]+\]$/);
    expect(judged!.verdict!.callId).toBe(event!.id);
  });

  it("counts a wrong answer in its canary's arm as a failure of a call already counted", async () => {
    const { key, id } = await project('canary');
    const first = await post({ feedback: [verdict('seed')] }, key);
    const patternId = first.body.patterns[0].id;
    const seeded = await seedApprovals(storage, id, [
      {
        result: learningResult({ patternId, function: 'weather.answer', candidateId: 'fix_units' }),
        autoApproveAt: 0.5,
      },
    ]);
    const canary = seeded.deployments[0]!;
    const treatment = { canary: 'treatment', canaryFixIds: 'fix_units' };
    const control = { canary: 'control', canaryFixIds: 'fix_units' };
    const events = [
      {
        kind: 'success',
        function: 'weather.answer',
        tags: { ...treatment, 'arc.count': '3' },
        fixIds: ['fix_units'],
      },
      { kind: 'success', function: 'weather.answer', tags: { ...control, 'arc.count': '2' } },
    ];
    expect((await server.request('POST', '/v1/events', { key, body: { events } })).status).toBe(202);
    const judged = await post(
      {
        feedback: [
          verdict('t-wrong', { tags: treatment, fixIds: ['fix_units'] }),
          verdict('c-wrong', { tags: control }),
          verdict('c-right', { tags: control, score: 1 }),
        ],
      },
      key,
    );
    expect(judged.status).toBe(202);
    const deployment = await storage.getDeployment(id, canary.id);
    expect(deployment?.treatment).toEqual({ trials: 3, failures: 1, patternFailures: 1 });
    expect(deployment?.control).toEqual({ trials: 2, failures: 1, patternFailures: 1 });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await server.request('GET', '/openapi.json')).body;
    const route = doc.paths['/v1/feedback'].post;
    expect(route.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(route.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '413', '415']),
    );
    const item = route.requestBody.content['application/json'].schema.properties.feedback.items;
    expect(item.required.sort()).toEqual(['callId', 'function', 'id', 'score', 'timestamp']);
  });
});
