// The CLI is an HTTP client of a running server; the server side runs on both backends in the route
// tests, so one backend suffices here.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learningResult, PROMPT_FIX, seedApprovals } from '../routes/learning-seed.fixture.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { runCli } from './run-cli.fixture.js';

const sqlite = openTestStorages().find((b) => b.name === 'sqlite')!;

describe('arc deployments', () => {
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer(await sqlite.open());
    const ops = (
      await server.request('POST', '/v1/keys', {
        key: server.adminKey,
        body: { name: 'ops cli', scopes: ['admin'] },
      })
    ).body.key;
    env = { ARC_URL: server.url, ARC_ADMIN_KEY: ops };
    await seedApprovals(server.storage, server.projectId, [
      {
        result: learningResult({ candidateId: 'fix_prompt', fix: PROMPT_FIX, risk: 'medium' }),
        autoApproveAt: 0.1,
      },
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await sqlite.cleanup();
  });

  it('lists and rolls back deployments', async () => {
    const listed = await runCli(['deployments', 'list', '--url', server.url], env);
    expect(listed.code).toBe(0);
    const [deployment] = await server.storage.listDeployments(server.projectId, { limit: 10 });
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${deployment!.id}\\s+canary\\s+search\\s+prompt_adjustment fix_prompt\\s+1\\s+10%\\s+-\\s+-`,
        'm',
      ),
    );
    const rolled = await runCli(['deployments', 'rollback', deployment!.id, '--reason', 'too chatty'], env);
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toBe(`Rolled back ${deployment!.id} (prompt_adjustment fix_prompt for search).\n`);
    const json = JSON.parse(
      (await runCli(['deployments', 'list', '--status', 'rolled_back', '--json'], env)).stdout,
    );
    expect(json).toMatchObject([{ id: deployment!.id, status: 'rolled_back', reason: 'too chatty' }]);
  });

  it('says what went wrong: a key without admin, no server', async () => {
    const reader = await server.key(['read']);
    const forbidden = await runCli(['deployments', 'rollback', 'x', '--key', reader], env);
    expect(forbidden.stderr).toBe('arc deployments rollback: This key lacks the `admin` scope\n');
    const down = await runCli(['deployments', 'list', '--url', 'http://127.0.0.1:9'], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^arc deployments list: cannot reach the server at http:\/\/127\.0\.0\.1:9/);
  });
});
