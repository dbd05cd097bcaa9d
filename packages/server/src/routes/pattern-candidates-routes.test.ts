// GET /v1/patterns/:id/candidates over real HTTP: nothing before the learner takes the pattern up,
// then the incumbent first and each candidate's evidence, posterior and verdict.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASK_FOR_JSON, commitLearnedFix } from '../learned-fix.fixture.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

describe.each(openTestStorages())('GET /v1/patterns/:id/candidates ($name)', (backend) => {
  let server: TestServer;
  let patternId: string;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    const ingest = await server.request('POST', '/v1/events', {
      key: server.adminKey,
      body: {
        events: [
          {
            kind: 'failure',
            function: 'answer',
            error: { type: 'SyntaxError', message: 'Unexpected token' },
          },
        ],
      },
    });
    patternId = ingest.body.patterns[0].id;
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const get = (id: string) =>
    server.request('GET', `/v1/patterns/${id}/candidates`, { key: server.adminKey });

  it('lists none while the learner has not taken the pattern up', async () => {
    const response = await get(patternId);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ patternId, step: 0, learning: false, exhausted: false, candidates: [] });
  });

  it('shows the incumbent and the candidate with posteriors and verdicts', async () => {
    const pattern = (await server.storage.getPattern(server.projectId, patternId))!;
    await commitLearnedFix(server.storage, server.projectId, pattern, { at: Date.now(), successes: [1, 7] });
    const response = await get(patternId);
    expect(response.status).toBe(200);
    const { candidates, ...rest } = response.body;
    expect(rest).toEqual({ patternId, step: 1, learning: true, exhausted: false });
    expect(candidates).toHaveLength(2);
    const [incumbent, candidate] = candidates;
    expect(incumbent).toMatchObject({
      id: 'none',
      incumbent: true,
      fix: null,
      failing: { successes: 1, trials: 8 },
      posteriorMean: 0.2,
      probabilityBeatsIncumbent: null,
      guardPasses: null,
      accepted: false,
    });
    expect(candidate).toMatchObject({
      incumbent: false,
      fix: ASK_FOR_JSON,
      origin: 'rule',
      failing: { successes: 7, trials: 8 },
      guard: { successes: 20, trials: 20 },
      examples: 1,
      posteriorMean: 0.8,
      guardPasses: true,
      accepted: true,
    });
    // Beta(8, 2) against Beta(2, 8): P = 0.99830...
    expect(candidate.probabilityBeatsIncumbent).toBeCloseTo(0.9983, 4);
    expect(incumbent.policyProbability + candidate.policyProbability).toBeCloseTo(1, 12);
    // θ = 1 against 0: softmax gives e / (1 + e).
    expect(candidate.policyProbability).toBeCloseTo(Math.E / (1 + Math.E), 12);
  });

  it('answers 404 for unknown patterns and 401 without a key', async () => {
    expect((await get('nope')).status).toBe(404);
    expect((await server.request('GET', `/v1/patterns/${patternId}/candidates`)).status).toBe(401);
  });
});
