// The server side of the loop over real HTTP, as a deployment runs it: `startServer` with its
// learners, failures posted to /v1/events, a remote worker leasing rollouts and reporting rewards
// through /v1/rollouts, until the learned fix is served by /v1/fixes.

import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.js';
import { openTestStorages } from '../storage/test-databases.js';
import type { TestResponse } from '../test-server.fixture.js';
import { lookupSucceeds } from './learning-agent.fixture.js';

describe.each(openTestStorages())('learning loop over HTTP ($name)', (backend) => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('learns from posted failures with a remote worker and serves the fix as a canary', async () => {
    // Creates the database (and leaves it migrated) for the server to open.
    await backend.open();
    server = await startServer({ port: 0, db: backend.location(), learning: { tickMs: 20 } });
    const key = server.createdAdminKey!;
    const call = async (
      method: string,
      path: string,
      body?: unknown,
    ): Promise<Omit<TestResponse, 'headers'>> => {
      const response = await fetch(`${server!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: await response.json() };
    };

    const config = await call('PUT', '/v1/learning/config', {
      batchSize: 8,
      groupSize: 4,
      syncInterval: 2,
      minTrials: 4,
      triggerFailures: 1,
      triggerIntervalMs: 100,
      stepTimeoutMs: 5_000,
    });
    expect(config.status).toBe(200);
    const events = Array.from({ length: 10 }, (_, i) => ({
      kind: 'failure',
      function: 'lookup',
      input: { user: i },
      error: { type: 'TimeoutError', message: 'request timed out after 5000ms', code: 'ETIMEDOUT' },
    }));
    expect((await call('POST', '/v1/events', { events })).status).toBe(202);

    let rewarded = 0;
    const deadline = Date.now() + 30_000;
    let fixes: { id: string; canaryShare: number; fix: unknown }[] = [];
    while (fixes.length === 0) {
      if (Date.now() > deadline) throw new Error(`no fix deployed after ${rewarded} rollouts`);
      const leased = await call('POST', '/v1/rollouts/lease', {
        workerId: 'remote-1',
        functions: ['lookup'],
        max: 32,
      });
      for (const job of leased.body.jobs as { id: string; source: string; fix: null }[]) {
        const reward = job.source === 'success' || lookupSucceeds(job.fix) ? 1 : 0;
        const reported = await call('POST', `/v1/rollouts/${job.id}/result`, {
          workerId: 'remote-1',
          reward,
        });
        if (reported.status === 200) rewarded++;
      }
      if (leased.body.jobs.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      fixes = (await call('GET', '/v1/fixes?function=lookup')).body.fixes;
    }
    expect(rewarded).toBeGreaterThan(0);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({ canaryShare: 0.1, risk: 'low', function: 'lookup' });
    expect(lookupSucceeds(fixes[0]!.fix as never)).toBe(true);

    const curriculum = await call('GET', '/v1/curriculum');
    expect(curriculum.body.step).toBeGreaterThanOrEqual(2);
    expect(curriculum.body.arms).toHaveLength(1);
    expect(curriculum.body.arms[0].q).toBeGreaterThan(0);
    const results = await call('GET', '/v1/learning/results');
    expect(results.body.results.map((r: { candidateId: string }) => r.candidateId)).toContain(fixes[0]!.id);
    const deployments = await call('GET', '/v1/deployments');
    expect(deployments.body.deployments).toMatchObject([{ fixId: fixes[0]!.id, status: 'canary' }]);
  });
});
