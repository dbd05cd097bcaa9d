import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import selfsigned from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../api-keys.js';
import { openStorage } from '../storage/open-storage.js';
import { success } from '../storage/prepared-event.fixture.js';
import { slowPost, waitUntil } from '../test-server.fixture.js';
import { CLI_TEST_TIMEOUT_MS, printedApiKey, runCli, spawnCli } from './run-cli.fixture.js';

interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `arc serve --port 0` and waits for its "arc serving" log line. Logs are read line by
 * line: a pipe may hand a line over in pieces (a busy reader finds 64 KiB waiting, cut anywhere).
 */
async function serve(
  db: string,
  env: Record<string, string | undefined> = {},
  args: string[] = [],
): Promise<RunningCli> {
  const child = spawnCli(['serve', '--port', '0', '--db', db, ...args], { ARC_ADMIN_KEY: undefined, ...env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout += `${line}\n`;
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'arc serving' && entry.url) resolve(entry.url);
    });
    exited.then((code) => reject(new Error(`arc serve exited ${code}: ${stderr}`)));
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}

describe('arc serve', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'arc-cli-'));
  const db = join(folder, 'arc.db');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('prints a working admin key once, logs JSON, and on SIGTERM finishes in-flight requests and exits 0', async () => {
    const first = await serve(db);
    // Logs (stdout) and the key (stderr) are two pipes: the key may arrive after the log line.
    await waitUntil(() => printedApiKey(first.stderr()) !== undefined, 'the admin key');
    const adminKey = printedApiKey(first.stderr())!;
    expect(first.stdout()).not.toContain(adminKey);
    const auth = { authorization: `Bearer ${adminKey}` };
    expect((await fetch(`${first.url}/v1/keys`, { headers: auth })).status).toBe(200);

    // An open live stream must not hold shutdown up.
    const stream = await fetch(`${first.url}/v1/stream`, { headers: auth });
    expect(stream.status).toBe(200);

    // A batch whose body is half sent when the signal arrives, from a key never used before, so
    // its last-use stamp shows when the server has taken the request in.
    const created = await fetch(`${first.url}/v1/keys`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow', scopes: ['ingest'] }),
    });
    const slow = (await created.json()) as { id: string; key: string };
    const post = slowPost(`${first.url}/v1/events`, slow.key, {
      events: [{ id: 'during-shutdown', kind: 'failure', function: 'f', error: { message: 'x' } }],
    });
    await waitUntil(async () => {
      const keys = (await (await fetch(`${first.url}/v1/keys`, { headers: auth })).json()) as {
        keys: { id: string; lastUsedAt: string | null }[];
      };
      return keys.keys.some((k) => k.id === slow.id && k.lastUsedAt !== null);
    }, 'the slow request to be taken in');
    first.child.kill('SIGTERM');
    await waitUntil(async () => first.stdout().includes('"msg":"shutting down"'), 'the shutdown to begin');
    expect(await post.finish()).toBe(202);
    expect(await first.exited).toBe(0);
    await stream.text();

    const storage = await openStorage(db);
    try {
      const project = await storage.ensureProject('default');
      expect(await storage.listEventIds(project.id)).toContain('during-shutdown');
    } finally {
      await storage.close();
    }

    // Later starts print no key.
    const second = await serve(db);
    expect(second.stderr()).not.toMatch(/arc_/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('ensures ARC_ADMIN_KEY', async () => {
    const adminKey = generateApiKey();
    const running = await serve(join(folder, 'given.db'), { ARC_ADMIN_KEY: adminKey });
    try {
      expect(running.stderr()).not.toMatch(/arc_/);
      const keys = await fetch(`${running.url}/v1/keys`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(keys.status).toBe(200);
    } finally {
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    }
  });

  it('serves HTTPS with --tls-cert and --tls-key (a certificate made here), with the limits given as flags', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' });
    writeFileSync(join(folder, 'cert.pem'), pems.cert);
    writeFileSync(join(folder, 'key.pem'), pems.private);
    const adminKey = generateApiKey();
    const running = await serve(join(folder, 'tls.db'), { ARC_ADMIN_KEY: adminKey }, [
      '--tls-cert',
      join(folder, 'cert.pem'),
      '--tls-key',
      join(folder, 'key.pem'),
      '--trust-proxy',
      '127.0.0.1,10.0.0.0/8',
      '--max-patterns-per-function',
      '1',
      '--max-functions-per-project',
      '1',
      '--rate-limit',
      '1',
      '--rate-burst',
      '5',
    ]);
    try {
      expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
      const call = (method: string, path: string, body?: unknown) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpsRequest(
            `${running.url}${path}`,
            {
              method,
              ca: pems.cert,
              headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                text += chunk;
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
          );
          req.on('error', reject);
          req.end(body === undefined ? undefined : JSON.stringify(body));
        });
      // --max-patterns-per-function 1: the second pattern of `f` is counted in its overflow pattern.
      const failure = (type: string) => ({ kind: 'failure', function: 'f', error: { type, message: 'x' } });
      const posted = await call('POST', '/v1/events', { events: [failure('AError'), failure('BError')] });
      expect(posted.status).toBe(202);
      const types = (
        JSON.parse((await call('GET', '/v1/patterns')).body) as { patterns: { errorType: string }[] }
      ).patterns
        .map((p) => p.errorType)
        .sort();
      expect(types).toEqual(['AError', 'ArcPatternOverflow']);
      // --max-functions-per-project 1: `g`, past it, is stored under the overflow function.
      const success = { kind: 'success', function: 'g' };
      expect((await call('POST', '/v1/events', { events: [success] })).status).toBe(202);
      const functions = (
        JSON.parse((await call('GET', '/v1/functions')).body) as { functions: { function: string }[] }
      ).functions.map((f) => f.function);
      expect(functions).toEqual(['arc:function-overflow', 'f']);
      // --rate-limit 1 --rate-burst 5: of 20 requests sent at once, all but a few get 429.
      const statuses = (await Promise.all(Array.from({ length: 20 }, () => call('GET', '/v1/keys')))).map(
        (r) => r.status,
      );
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    } finally {
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    }
  });

  it('deletes events older than --retention-days at start, per project, and keeps the younger ones', async () => {
    const file = join(folder, 'retention.db');
    const day = 86_400_000;
    const seeded = await openStorage(file);
    const event = (id: string, daysAgo: number) =>
      success('f', { id, timestamp: Date.now() - daysAgo * day });
    const projects = [await seeded.ensureProject('default'), await seeded.ensureProject('other')];
    const options = { failureReservoirSize: 5, successReservoirSize: 5, random: Math.random };
    for (const project of projects) {
      await seeded.ingest(project.id, [event('ten-days', 10), event('two-days', 2)], options);
    }
    await seeded.close();
    const running = await serve(file, {}, ['--retention-days', '5']);
    const observer = await openStorage(file);
    try {
      for (const project of projects) {
        await waitUntil(async () => (await observer.countEvents(project.id)) === 1, 'the old event to go');
        expect(await observer.listEventIds(project.id)).toEqual(['two-days']);
      }
    } finally {
      await observer.close();
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    }
  });

  it('refuses --tls-cert without --tls-key', async () => {
    const child = spawnCli([
      'serve',
      '--port',
      '0',
      '--db',
      join(folder, 'half-tls.db'),
      '--tls-cert',
      'x.pem',
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(1);
    expect(stderr).toMatch(/--tls-cert and --tls-key go together/);
  });

  it('takes --db from ARC_DB, says so in --help, and never shows the password of its URL', async () => {
    const env = { ARC_DB: 'postgres://u:secret@host:x/db' };
    // A host it cannot listen on too, so that a serve ignoring ARC_DB would exit rather than serve.
    const failed = await runCli(['serve', '--port', '0', '--host', '256.0.0.1'], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toContain(
      'cannot open ARC_DB postgres://u:***@host:x/db: Invalid URL',
    );
    const help = await runCli(['serve', '--help'], env);
    expect(help.stdout).toContain('(env: ARC_DB)');
    expect(help.stdout).toMatch(/PGPASSWORD/);
    expect(failed.stdout + failed.stderr + help.stdout + help.stderr).not.toContain('secret');
  });

  it('exits 1 with a message when it cannot start', async () => {
    const running = await serve(join(folder, 'taken.db'));
    try {
      const port = new URL(running.url).port;
      const child = spawnCli(['serve', '--port', port, '--db', join(folder, 'taken.db')]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/EADDRINUSE/);
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });
});
