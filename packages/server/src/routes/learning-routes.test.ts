import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEARNING_SETTINGS } from '../learner/learning-settings.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { learningResult, PROMPT_FIX, seedApprovals } from './learning-seed.fixture.js';

describe.each(openTestStorages())('/v1/learning ($name)', (backend) => {
  let server: TestServer;
  let reader: string;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    reader = await server.key(['read']);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('lists learning results newest first, by pattern', async () => {
    await seedApprovals(server.storage, server.projectId, [{ result: learningResult() }], 1_000);
    await seedApprovals(
      server.storage,
      server.projectId,
      [
        {
          result: learningResult({
            patternId: 'p-parse',
            candidateId: 'fix_prompt',
            fix: PROMPT_FIX,
            origin: 'analyst',
          }),
        },
      ],
      2_000,
    );
    const all = await server.request('GET', '/v1/learning/results', { key: reader });
    expect(all.status).toBe(200);
    expect(
      all.body.results.map((r: { candidateId: string; step: number }) => [r.candidateId, r.step]),
    ).toEqual([
      ['fix_prompt', 2],
      ['fix_retry', 1],
    ]);
    expect(all.body.results[1]).toEqual({
      id: expect.any(String),
      step: 1,
      patternId: 'p-timeout',
      function: 'search',
      candidateId: 'fix_retry',
      fix: learningResult().fix,
      risk: 'low',
      origin: 'rule',
      rationale: 'timeouts are transient',
      improvement: 0.6,
      confidence: 0.97,
      successRate: 0.9,
      incumbentSuccessRate: 0.3,
      trials: 40,
      examples: 10,
      source: 'learner',
      proposedBy: null,
      proposedByKeyId: null,
      createdAt: new Date(1_000).toISOString(),
    });
    const one = await server.request('GET', '/v1/learning/results?patternId=p-parse&limit=5', {
      key: reader,
    });
    expect(one.body.results.map((r: { origin: string }) => r.origin)).toEqual(['analyst']);
  });

  it('serves the defaults from the seed until a project sets its own', async () => {
    const config = await server.request('GET', '/v1/learning/config', { key: reader });
    expect(config.status).toBe(200);
    expect(config.body).toEqual(DEFAULT_LEARNING_SETTINGS);
    expect(config.body).toMatchObject({
      alpha: 0.1,
      temperature: 1,
      batchSize: 32,
      syncInterval: 50,
      groupSize: 4,
    });
  });

  it('replaces the settings for an admin: what is left out takes its default', async () => {
    const put = (body: unknown, key = server.adminKey) =>
      server.request('PUT', '/v1/learning/config', { key, body });
    const first = await put({
      batchSize: 8,
      groupSize: 2,
      syncInterval: 1,
      autoApproveRisks: ['low', 'medium'],
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      ...DEFAULT_LEARNING_SETTINGS,
      batchSize: 8,
      groupSize: 2,
      syncInterval: 1,
      autoApproveRisks: ['low', 'medium'],
    });
    const second = await put({ syncInterval: null, approvalWebhookUrl: 'https://hooks.example.com/arc' });
    expect(second.body).toEqual({
      ...DEFAULT_LEARNING_SETTINGS,
      syncInterval: null,
      approvalWebhookUrl: 'https://hooks.example.com/arc',
    });
    expect((await server.request('GET', '/v1/learning/config', { key: reader })).body).toEqual(second.body);
    expect((await put({ batchSize: 4 }, reader)).status).toBe(403);
    const other = await server.key(['read'], 'other-project');
    expect((await server.request('GET', '/v1/learning/config', { key: other })).body).toEqual(
      DEFAULT_LEARNING_SETTINGS,
    );
  });

  it('answers 400 naming the field for settings it cannot use', async () => {
    const cases: [unknown, string][] = [
      [{ batchSize: 0 }, '/batchSize'],
      [{ alpha: 0 }, '/alpha'],
      [{ alpha: 1.5 }, '/alpha'],
      [{ temperature: -1 }, '/temperature'],
      [{ successShare: 1 }, '/successShare'],
      [{ canaryShare: 1 }, '/canaryShare'],
      [{ confidence: 1 }, '/confidence'],
      [{ autoApproveRisks: ['none'] }, '/autoApproveRisks/0'],
      [{ approvalWebhookUrl: 'ftp://x' }, '/approvalWebhookUrl'],
      [{ syncInterval: 0 }, '/syncInterval'],
      [{ B: 32 }, '/B'],
    ];
    for (const [body, path] of cases) {
      const response = await server.request('PUT', '/v1/learning/config', { key: server.adminKey, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.details, JSON.stringify(body)).toContainEqual({
        path,
        message: expect.any(String),
      });
    }
  });
});
