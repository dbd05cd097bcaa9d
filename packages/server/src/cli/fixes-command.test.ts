// The CLI is an HTTP client of a running server; the server side runs on both backends in the route
// tests, so one backend suffices here.

import { type Fix, fixId } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { runCli } from './run-cli.fixture.js';

const sqlite = openTestStorages().find((b) => b.name === 'sqlite')!;
const CAP = { type: 'param_patch', params: { maxTokens: 256 } } as const;

describe('arc fixes propose', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let patternId: string;

  beforeAll(async () => {
    server = await startTestServer(await sqlite.open());
    const ops = (
      await server.request('POST', '/v1/keys', {
        key: server.adminKey,
        body: { name: 'ops cli', scopes: ['admin'] },
      })
    ).body.key;
    env = { ARC_URL: server.url, ARC_ADMIN_KEY: ops };
    const ingested = await server.request('POST', '/v1/events', {
      key: server.adminKey,
      body: {
        events: [
          {
            kind: 'failure',
            function: 'summarize',
            error: { type: 'TimeoutError', message: 'took too long' },
          },
        ],
      },
    });
    patternId = ingested.body.patterns[0].id;
  });
  afterAll(async () => {
    await server?.close();
    await sqlite.cleanup();
  });

  it('proposes a fix that waits for approval, listed as proposed by the key and not measured', async () => {
    const proposed = await runCli(
      ['fixes', 'propose', patternId, '--fix', JSON.stringify(CAP), '--comment', 'longer answers'],
      env,
    );
    expect(proposed.code).toBe(0);
    const [approval] = await server.storage.listApprovals(server.projectId, { limit: 10 });
    expect(approval).toMatchObject({
      status: 'pending',
      result: { fix: CAP, source: 'person', proposedBy: 'ops cli', rationale: 'longer answers' },
    });
    expect(proposed.stdout).toBe(
      `Proposed param_patch for summarize (pattern ${patternId}).\n` +
        `Approval ${approval!.id} waits for a person: risk medium, severity medium, improvement not measured.\n` +
        `Approve it with: arc approvals approve ${approval!.id}\n`,
    );

    const listed = await runCli(['approvals', 'list', '--status', 'pending'], env);
    expect(listed.stdout).toMatch(/\s+PROPOSED BY\n/);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${approval!.id}\\s+pending\\s+summarize\\s+param_patch\\s+medium\\s+not measured\\s+not measured\\s+medium\\s+\\S+\\s+-\\s+ops cli$`,
        'm',
      ),
    );

    const repair: Fix = { type: 'output_repair', json: true, coerce: false };
    const json = await runCli(
      ['fixes', 'propose', patternId, '--fix', JSON.stringify(repair), '--json'],
      env,
    );
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 'pending',
      result: { candidateId: fixId(repair), risk: 'low', source: 'person', improvement: 0 },
    });
  });

  it('says what went wrong: a fix that is not JSON, an invalid fix, an unknown pattern', async () => {
    const notJson = await runCli(['fixes', 'propose', patternId, '--fix', '{type:'], env);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(
      /^error: option '--fix <json>' argument '\{type:' is invalid\. not JSON \(/,
    );

    const invalid = await runCli(
      ['fixes', 'propose', patternId, '--fix', '{"type":"param_patch","params":{"maxTokens":"all"}}'],
      env,
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toBe(
      'arc fixes propose: Invalid fix: fix.params.maxTokens must be a number (/fix/params/maxTokens must be a number)\n',
    );

    const unknown = await runCli(['fixes', 'propose', 'p-nowhere', '--fix', JSON.stringify(CAP)], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('arc fixes propose: Pattern not found\n');
  });
});
