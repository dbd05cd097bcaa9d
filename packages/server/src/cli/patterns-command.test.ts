// The CLI is an HTTP client of a running server; the routes run on both backends in their own tests.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { runCli } from './run-cli.fixture.js';

const sqlite = openTestStorages().find((b) => b.name === 'sqlite')!;
const T0 = Date.UTC(2026, 1, 3);

describe('arc patterns', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let parse: string;
  let timeout: string;

  beforeAll(async () => {
    server = await startTestServer(await sqlite.open());
    env = { ARC_URL: server.url, ARC_ADMIN_KEY: await server.key(['read']) };
    const failure = (fn: string, type: string, message: string, i: number) => ({
      kind: 'failure',
      function: fn,
      timestamp: T0 + i,
      error: { type, message },
      input: [`input ${i}`],
    });
    const ingested = await server.request('POST', '/v1/events', {
      key: server.adminKey,
      body: {
        events: [
          failure('answer', 'SyntaxError', 'Unexpected token in JSON at position 3', 0),
          failure('answer', 'SyntaxError', 'Unexpected token in JSON at position 9', 1),
          failure('lookup', 'TimeoutError', 'took too long', 2),
        ],
      },
    });
    [parse, timeout] = ingested.body.patterns.map((p: { id: string }) => p.id);
  });
  afterAll(async () => {
    await server?.close();
    await sqlite.cleanup();
  });

  it('lists patterns as a table, most frequent first, or as JSON', async () => {
    const listed = await runCli(['patterns', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const [header, first, second, ...rest] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+CATEGORY\s+FUNCTION\s+OCCURRENCES\s+LAST SEEN\s+MESSAGE$/);
    expect(first).toMatch(
      new RegExp(`^${parse}\\s+parsing_error\\s+answer\\s+2\\s+${new Date(T0 + 1).toISOString()}\\s+`),
    );
    expect(second).toMatch(new RegExp(`^${timeout}\\s+timeout\\s+lookup\\s+1\\s+`));
    expect(rest).toEqual([]);

    const json = await runCli(['patterns', 'list', '--function', 'lookup', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject([{ id: timeout, category: 'timeout', occurrences: 1 }]);
    const none = await runCli(['patterns', 'list', '--category', 'auth_failure'], env);
    expect(none.stdout).toBe('No patterns.\n');
  });

  it('shows one pattern, as text or JSON, and says when it does not exist', async () => {
    const shown = await runCli(['patterns', 'show', timeout], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(
      `Pattern ${timeout}: timeout in lookup\n` +
        'Error:       TimeoutError: took too long\n' +
        `Occurrences: 1 (first ${new Date(T0 + 2).toISOString()}, last ${new Date(T0 + 2).toISOString()})\n` +
        'Examples:    1 replayable failing calls\n' +
        'An input:    ["input 2"]\n',
    );
    const json = await runCli(['patterns', 'show', parse, '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: parse, examples: [{}, {}] });

    const missing = await runCli(['patterns', 'show', 'p-nowhere'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('arc patterns show: Pattern not found\n');
  });

  it('prints the control characters of client text as escapes, never for the terminal to obey', async () => {
    const ingested = await server.request('POST', '/v1/events', {
      key: server.adminKey,
      body: {
        events: [
          {
            kind: 'failure',
            function: 'evil\u001b]0;PWNED\u0007\u001b[2J',
            timestamp: T0 + 3,
            error: { type: 'E\u001b[31m', message: 'bad \u009bK' },
            input: ['\u007f'],
          },
        ],
      },
    });
    const evil = ingested.body.patterns[0].id;
    const listed = await runCli(['patterns', 'list', '--sort', 'lastSeen', '--limit', '1'], env);
    const shown = await runCli(['patterns', 'show', evil], env);
    for (const { code, stdout, stderr } of [listed, shown]) {
      expect(code, stderr).toBe(0);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
      expect(stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    expect(listed.stdout).toContain('evil\\u001b]0;PWNED\\u0007\\u001b[2J');
    expect(shown.stdout).toContain('Error:       E\\u001b[31m: bad \\u009bK\n');
    expect(shown.stdout).toContain('An input:    ["\\u007f"]\n');
  });
});
