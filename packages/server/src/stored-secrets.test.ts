// Secrets a client sends never reach storage: every sample of the core's secret corpus goes in
// through every free-text field of events, the secrets issue 12 found kept in clear go in through
// every field an event or a verdict (POST /v1/feedback) has and through every other write path
// (rollout results, keys, fixes people propose, approvals, rollbacks, the trainer curriculum); then
// every API that shows them is read,
// and the database's own bytes are searched (the SQLite files, WAL included; a pg_dump of the
// PostgreSQL database).

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_CORPUS, type SecretSample } from '../../core/src/secret-corpus.fixture.js';
import { rolloutJob } from './routes/learning-seed.fixture.js';
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

/** One verdict (POST /v1/feedback) with `text` in every field that takes text. */
function verdictCarrying(text: string, score: number) {
  return {
    id: `verdict ${score} ${text}`,
    callId: `call ${text}`,
    function: `judged ${text}`,
    score,
    label: `Wrong ${text}`,
    message: `${VISIBLE} ${text}`,
    input: { prompt: text, [text]: [text] },
    output: { text },
    timestamp: '2025-03-14T07:05:00Z',
    agentId: `agent ${text}`,
    tags: { [`tag ${text}`]: text, visible: VISIBLE },
    fixIds: [`fix ${text}`],
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

  // Per secret, a failure and a success: for verdicts, a wrong answer (a failure of its own
  // pattern) and a right one (a verified example).
  const writes = [
    [
      'an event',
      '/v1/events',
      'events',
      (text: string): unknown[] => [eventCarrying(text, 'failure'), eventCarrying(text, 'success')],
    ],
    [
      'a verdict',
      '/v1/feedback',
      'feedback',
      (text: string): unknown[] => [verdictCarrying(text, 0), verdictCarrying(text, 1)],
    ],
  ] as const;

  it.each(writes)(
    'redacts every field of %s, in every API that shows it and in the stored bytes',
    async (_what, route, field, carrying) => {
      const project = `every-field-${field}`;
      const key = await server.key(['ingest', 'read'], project);
      const items = FIELD_SECRETS.flatMap((sample) => carrying(shortText(sample)));
      const first = await server.request('POST', route, { key, body: { [field]: items } });
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ accepted: items.length, duplicates: 0 });
      // Ids are redacted the same way each time, so a retried batch is still recognised.
      const retried = await server.request('POST', route, { key, body: { [field]: items } });
      expect(retried.body).toMatchObject({ accepted: 0, duplicates: items.length });

      const get = async (path: string) => {
        const response = await server.request('GET', path, { key });
        expect(response.status, path).toBe(200);
        return response.body;
      };
      const projectId = (await server.storage.ensureProject(project)).id;
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
      expect(successExamples.flat()).toHaveLength(FIELD_SECRETS.length);
      const streamed = await server.storage.listStreamEventsAfter(projectId, 0, 1_000);
      const shown = JSON.stringify({
        answers: [first.body, retried.body, patterns, details, functions],
        eventIds: await server.storage.listEventIds(projectId),
        // The events as stored: a verdict's call id is kept on the event it became.
        events: await server.storage.scanEvents(projectId, { limit: 1_000 }),
        export: await get('/v1/export?format=jsonl'),
        successExamples,
        stream: await replayedStream(server.url, key, streamed[streamed.length - 1]!.id),
      });
      expect(shown).toContain(VISIBLE);
      expect(leaksIn(shown, FIELD_SECRETS)).toEqual([]);

      const stored = await databaseText(backend);
      expect(stored).toContain(VISIBLE);
      expect(leaksIn(stored, FIELD_SECRETS)).toEqual([]);
    },
  );

  it('redacts keys joined into ids by - and _ (req-sk-proj-…, trace_ghp_…), in the API and the stored bytes', async () => {
    const key = await server.key(['ingest', 'read'], 'joined-ids');
    const prefixed = SECRET_CORPUS.filter(({ secret }) =>
      /^(?:sk-|[sr]k_|whsec_|gh[pousr]_|github_pat_|arc_|xox[abprs]-|AKIA|ASIA|AIza|eyJ)/.test(secret),
    );
    expect(prefixed.length).toBeGreaterThanOrEqual(25);
    const events = prefixed.flatMap(({ secret }) =>
      ['-', '_'].map((separator) => ({
        id: `req${separator}${secret}`,
        kind: 'failure',
        function: `tool${separator}${secret}`,
        agentId: `agent${separator}${secret}`,
        traceId: `trace${separator}${secret}`,
        fixIds: [`fix${separator}${secret}`],
        error: { type: 'ToolError', message: VISIBLE },
      })),
    );
    const first = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: events.length, duplicates: 0 });
    const retried = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(retried.body).toMatchObject({ accepted: 0, duplicates: events.length });

    const projectId = (await server.storage.ensureProject('joined-ids')).id;
    const eventIds = await server.storage.listEventIds(projectId);
    expect(eventIds).toHaveLength(events.length);
    expect(eventIds.every((id) => /^req[-_]\[REDACTED:[a-z_]+#[0-9a-f]{12}\]$/.test(id))).toBe(true);
    const shown = JSON.stringify({
      answers: [first.body, retried.body],
      eventIds,
      events: await server.storage.scanEvents(projectId, { limit: 1_000 }),
      patterns: (await server.request('GET', '/v1/patterns?limit=200', { key })).body,
      functions: (await server.request('GET', '/v1/functions', { key })).body,
      export: (await server.request('GET', '/v1/export?format=jsonl', { key })).body,
    });
    expect(shown).toContain(VISIBLE);
    expect(leaksIn(shown, prefixed)).toEqual([]);
    const stored = await databaseText(backend);
    expect(stored).toContain(VISIBLE);
    expect(leaksIn(stored, prefixed)).toEqual([]);
  });

  it('redacts, bounds and stores safely client text on every other write path', async () => {
    const [openai, github, aws, , bareAws, arcKey, card, url] = FIELD_SECRETS.map(shortText) as string[];
    const admin = await server.request('POST', '/v1/keys', {
      key: server.adminKey,
      body: { name: `ops ${card}`.slice(0, 100), scopes: ['admin'] },
    });
    expect(admin.status).toBe(201);
    const key = admin.body.key as string;
    const project = (await server.request('GET', '/v1/session', { key })).body.project.id as string;

    // A rollout result: a 900 KB output, an error with a NUL, a worker named after a secret.
    await server.storage.enqueueRollouts(project, 1, [rolloutJob('tool')], Date.now());
    const workerId = `worker ${arcKey}`;
    const leased = await server.request('POST', '/v1/rollouts/lease', {
      key,
      body: { workerId, functions: ['tool'] },
    });
    expect(leased.body.jobs).toHaveLength(1);
    const reported = await server.request('POST', `/v1/rollouts/${leased.body.jobs[0].id}/result`, {
      key,
      body: {
        workerId,
        reward: 0,
        output: { text: `${VISIBLE} ${openai}`, big: 'x'.repeat(900_000) },
        error: `${github} \u0000 ${VISIBLE}`,
      },
    });
    expect(reported.status).toBe(200);
    const [job] = await server.storage.listRollouts(project, 1);
    expect(JSON.stringify(job!.output).length).toBeLessThan(100_000);
    expect(job!.error).toContain(VISIBLE);
    expect(job!.error).not.toContain('\u0000');

    // A fix a person proposes, approved with a comment, then rolled back with a reason.
    const ingested = await server.request('POST', '/v1/events', {
      key,
      body: { events: [{ kind: 'failure', function: 'tool', error: { type: 'E', message: 'bad JSON' } }] },
    });
    const patternId = ingested.body.patterns[0].id as string;
    const proposed = await server.request('POST', `/v1/patterns/${patternId}/fixes`, {
      key,
      body: {
        fix: {
          type: 'composite',
          fixes: [
            { type: 'prompt_adjustment', instructions: `${VISIBLE} never print ${aws}` },
            {
              type: 'response_format',
              name: 'answer',
              strict: true,
              schema: {
                type: 'object',
                description: bareAws,
                properties: { password: { type: 'string' } },
              },
            },
            {
              type: 'few_shot',
              examples: [{ input: { note: url, password: 'hunter2-secret' }, output: card }],
            },
          ],
        },
        comment: `${VISIBLE} ${openai}`.slice(0, 2_000),
      },
    });
    expect(proposed.status).toBe(201);
    const approved = await server.request('POST', `/v1/approvals/${proposed.body.id}/approve`, {
      key,
      body: { comment: `${VISIBLE} ${github}` },
    });
    expect(approved.status).toBe(200);
    const rolledBack = await server.request(
      'POST',
      `/v1/deployments/${approved.body.deployment.id}/rollback`,
      {
        key,
        body: { reason: `${VISIBLE} ${card}` },
      },
    );
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body.fix.fixes[1].schema.properties.password).toEqual({ type: 'string' });

    // The trainer curriculum: arms named after a secret keep one name from sample to update.
    const arm = `arm ${card}`;
    const sampled = await server.request('POST', '/v1/curriculum/sample', {
      key,
      body: { arms: [arm], batchSize: 2 },
    });
    expect(sampled.status).toBe(200);
    const updated = await server.request('POST', '/v1/curriculum/update', {
      key,
      body: { rewards: { [arm]: 0.5 } },
    });
    expect(updated.status).toBe(200);
    // Sample and update answer the trainer in the names it sent (its own text, in its own request's
    // answer, or it could not match draws to its arms); what is stored and shown to others is redacted.
    expect(Object.keys(sampled.body.probabilities)).toEqual([arm]);
    expect(updated.body.arms.map((a: { arm: string }) => a.arm)).toEqual([arm]);
    const curriculum = await server.request('GET', '/v1/curriculum?curriculum=trainer', { key });
    expect(curriculum.body.arms).toHaveLength(1);
    expect(curriculum.body.arms[0]).toMatchObject({ pulls: 2, updates: 1 });

    // A webhook URL with a password would be shown to every reader of the settings: refused.
    const webhook = await server.request('PUT', '/v1/learning/config', {
      key,
      body: { approvalWebhookUrl: 'https://hooks:S3cretHookPass@hooks.example.com/arc' },
    });
    expect(webhook.status).toBe(400);
    expect(webhook.body.details).toEqual([{ path: '/approvalWebhookUrl', message: expect.any(String) }]);

    const shown = JSON.stringify([
      admin.body.name,
      leased.body,
      reported.body,
      proposed.body,
      approved.body,
      rolledBack.body,
      curriculum.body,
      (await server.request('GET', `/v1/approvals/${proposed.body.id}`, { key })).body,
      (await server.request('GET', '/v1/keys', { key })).body,
    ]);
    expect(shown).toContain(VISIBLE);
    expect([
      ...leaksIn(shown, FIELD_SECRETS),
      ...(shown.includes('hunter2-secret') ? ['password'] : []),
    ]).toEqual([]);
    const stored = await databaseText(backend);
    expect(stored).toContain(VISIBLE);
    expect(leaksIn(stored, FIELD_SECRETS)).toEqual([]);
    expect(stored).not.toContain('S3cretHookPass');
    expect(stored).not.toContain('hunter2-secret');
  });

  it('keeps ids that differ only in their secret apart', async () => {
    const key = await server.key(['ingest'], 'distinct-ids');
    const cards = ['4111 1111 1111 1111', '4242 4242 4242 4242'];
    const events = cards.map((card) => ({ id: `order ${card}`, kind: 'success', function: 'pay' }));
    const response = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(response.body).toMatchObject({ accepted: 2, duplicates: 0 });
  });
});
