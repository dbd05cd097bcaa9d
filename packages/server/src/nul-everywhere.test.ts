// A NUL (U+0000) in any text a client sends is never a 500, on either backend (PostgreSQL text
// refuses it): text programs report (events, verdicts, rollout results, worker ids, trainer arms,
// fixes) is stored with it replaced by U+FFFD; names and comments people type, and names to look
// up, are a 400 naming the field.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leasedRollout, rolloutJob } from './routes/learning-seed.fixture.js';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

const NUL = 'a\u0000b';

describe.each(openTestStorages())('NUL in client text ($name)', (backend) => {
  let server: TestServer;
  let patternId: string;
  let jobId: string;
  let approvalId: string;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    ({ patternId, jobId } = await leasedRollout(server, 'tool'));
    const key = server.adminKey;
    approvalId = (
      await server.request('POST', `/v1/patterns/${patternId}/fixes`, {
        key,
        body: { fix: { type: 'prompt_adjustment', instructions: 'Answer with JSON only.' } },
      })
    ).body.id;
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const requests: [string, string, () => string, () => unknown][] = [
    ['lease functions', 'POST', () => '/v1/rollouts/lease', () => ({ workerId: 'w2', functions: [NUL] })],
    ['lease worker', 'POST', () => '/v1/rollouts/lease', () => ({ workerId: NUL, functions: ['tool'] })],
    [
      'rollout error',
      'POST',
      () => `/v1/rollouts/${jobId}/result`,
      () => ({ workerId: 'w', reward: 1, error: NUL, output: { [NUL]: NUL } }),
    ],
    ['rollout worker', 'POST', () => `/v1/rollouts/${jobId}/result`, () => ({ workerId: NUL, reward: 1 })],
    [
      'proposed instructions',
      'POST',
      () => `/v1/patterns/${patternId}/fixes`,
      () => ({ fix: { type: 'prompt_adjustment', instructions: NUL } }),
    ],
    [
      'proposed schema',
      'POST',
      () => `/v1/patterns/${patternId}/fixes`,
      () => ({ fix: { type: 'output_repair', json: true, coerce: true, schema: { [NUL]: NUL } } }),
    ],
    [
      'proposed example',
      'POST',
      () => `/v1/patterns/${patternId}/fixes`,
      () => ({ fix: { type: 'few_shot', examples: [{ input: NUL, output: { [NUL]: 1 } }] } }),
    ],
    [
      'proposed params',
      'POST',
      () => `/v1/patterns/${patternId}/fixes`,
      () => ({ fix: { type: 'param_patch', params: { model: NUL, stop: [NUL] } } }),
    ],
    ['approval comment', 'POST', () => `/v1/approvals/${approvalId}/deny`, () => ({ comment: NUL })],
    ['curriculum sample', 'POST', () => '/v1/curriculum/sample', () => ({ arms: [NUL], batchSize: 1 })],
    ['curriculum update', 'POST', () => '/v1/curriculum/update', () => ({ rewards: { [NUL]: 0.5 } })],
    ['key name', 'POST', () => '/v1/keys', () => ({ name: NUL, scopes: ['read'] })],
    ['sign-in key', 'POST', () => '/v1/session', () => ({ key: `arc_${NUL}` })],
    ['webhook', 'PUT', () => '/v1/learning/config', () => ({ approvalWebhookUrl: `https://x.io/${NUL}` })],
    [
      'events',
      'POST',
      () => '/v1/events',
      () => ({
        events: [
          {
            kind: 'failure',
            function: NUL,
            id: NUL,
            agentId: NUL,
            traceId: NUL,
            fixIds: [NUL],
            tags: { [NUL]: NUL },
            error: { type: NUL, message: NUL, code: NUL },
            outputSchema: { [NUL]: NUL },
          },
        ],
      }),
    ],
    [
      'feedback',
      'POST',
      () => '/v1/feedback',
      () => ({
        feedback: [
          {
            id: NUL,
            callId: NUL,
            function: NUL,
            score: 0,
            label: NUL,
            message: NUL,
            input: { [NUL]: NUL },
            output: NUL,
            timestamp: 0,
            agentId: NUL,
            tags: { [NUL]: NUL },
            fixIds: [NUL],
          },
        ],
      }),
    ],
  ];

  it.each(requests)('%s: never a 500', async (_name, method, path, body) => {
    const response = await server.request(method, path(), { key: server.adminKey, body: body() });
    expect(response.status).toBeLessThan(500);
  });

  it('stores reported text with the NUL replaced, the same on both backends', async () => {
    const response = await server.request('POST', '/v1/events', {
      key: server.adminKey,
      body: { events: [{ kind: 'success', function: `f ${NUL}` }] },
    });
    expect(response.status).toBe(202);
    const functions = await server.storage.listFunctionStats(server.projectId);
    expect(functions.map((f) => f.function)).toContain('f a\ufffdb');
    const [queued] = await server.storage.enqueueRollouts(
      server.projectId,
      2,
      [rolloutJob('nul', patternId)],
      Date.now(),
    );
    const key = server.adminKey;
    await server.request('POST', '/v1/rollouts/lease', { key, body: { workerId: 'w', functions: ['nul'] } });
    const reported = await server.request('POST', `/v1/rollouts/${queued!.id}/result`, {
      key,
      body: { workerId: 'w', reward: 0, error: NUL },
    });
    expect(reported.status).toBe(200);
    const [job] = await server.storage.listRollouts(server.projectId, 2);
    expect(job!.error).toBe('a\ufffdb');
  });

  it.each([
    '/v1/fixes?function=a%00b',
    '/v1/patterns?function=a%00b',
    '/v1/deployments?function=a%00b',
    '/v1/learning/results?patternId=a%00b',
    '/v1/patterns/a%00b',
    '/v1/approvals/a%00b',
    '/v1/deployments/a%00b',
    '/v1/patterns/a%00b/candidates',
  ])('GET %s: never a 500', async (path) => {
    const response = await server.request('GET', path, { key: server.adminKey });
    expect(response.status).toBeLessThan(500);
  });
});
