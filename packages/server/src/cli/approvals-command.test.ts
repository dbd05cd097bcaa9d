// The CLI is an HTTP client of a running server; the server side runs on both backends in the route
// tests, so one backend suffices here.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learningResult, PROMPT_FIX, seedApprovals } from '../routes/learning-seed.fixture.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { runCli } from './run-cli.fixture.js';

const sqlite = openTestStorages().find((b) => b.name === 'sqlite')!;

describe('arc approvals', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let pending: string[];

  beforeAll(async () => {
    server = await startTestServer(await sqlite.open());
    const ops = (
      await server.request('POST', '/v1/keys', {
        key: server.adminKey,
        body: { name: 'ops cli', scopes: ['admin'] },
      })
    ).body.key;
    env = { ARC_URL: server.url, ARC_ADMIN_KEY: ops };
    const seeded = await seedApprovals(server.storage, server.projectId, [
      {
        result: learningResult({
          candidateId: 'fix_prompt',
          fix: PROMPT_FIX,
          risk: 'medium',
          confidence: 0.9634,
        }),
      },
      {
        result: learningResult({ candidateId: 'fix_other', fix: { ...PROMPT_FIX, instructions: 'Other.' } }),
      },
    ]);
    pending = seeded.approvals.map((a) => a.id);
  });
  afterAll(async () => {
    await server?.close();
    await sqlite.cleanup();
  });

  it('lists, approves and denies approval requests', async () => {
    const listed = await runCli(['approvals', 'list', '--status', 'pending'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+STATUS\s+FUNCTION\s+FIX\s+RISK\s+CONFIDENCE/);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${pending[0]}\\s+pending\\s+search\\s+prompt_adjustment\\s+medium\\s+96\\.3%\\s+\\+60\\.0%\\s+medium`,
        'm',
      ),
    );

    const approved = await runCli(['approvals', 'approve', pending[0]!, '--comment', 'reviewed'], env);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(
      /^Approved .* \(prompt_adjustment for search\)\.\nDeployed as canary \S+ to 10\.0% of calls\.\n$/,
    );
    const again = await runCli(['approvals', 'deny', pending[0]!], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('arc approvals deny: Approval already approved\n');

    const denied = await runCli(['approvals', 'deny', pending[1]!, '--json'], env);
    expect(denied.code).toBe(0);
    expect(JSON.parse(denied.stdout)).toMatchObject({
      approval: { id: pending[1], status: 'denied', decidedBy: 'ops cli' },
      deployment: null,
    });
    const all = JSON.parse((await runCli(['approvals', 'list', '--json'], env)).stdout) as {
      status: string;
      comment: string | null;
    }[];
    expect(all.map((a) => [a.status, a.comment]).sort()).toEqual([
      ['approved', 'reviewed'],
      ['denied', null],
    ]);
  });

  it('says what went wrong: no key, a key without admin', async () => {
    const noKey = await runCli(['approvals', 'list'], { ARC_URL: server.url, ARC_ADMIN_KEY: undefined });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toBe('arc approvals list: no key: pass --key or set ARC_ADMIN_KEY\n');
    const reader = await server.key(['read']);
    const forbidden = await runCli(['approvals', 'approve', pending[1]!, '--key', reader], env);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toBe('arc approvals approve: This key lacks the `admin` scope\n');
  });
});
