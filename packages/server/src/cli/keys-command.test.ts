import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../api-keys.js';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { CLI_TEST_TIMEOUT_MS, printedApiKey, runCli } from './run-cli.fixture.js';

describe.each(openTestStorages())('arc keys ($name)', { timeout: CLI_TEST_TIMEOUT_MS }, (backend) => {
  let storage: Storage;
  let db: string;
  beforeAll(async () => {
    storage = await backend.open();
    db = backend.location();
  });
  afterAll(() => backend.cleanup());

  // First: the database is migrated but has no project yet, as a PostgreSQL database that `arc
  // serve` never ran on.
  it('lists no keys and revokes none before the default project exists, and creates nothing', async () => {
    const listed = await runCli(['keys', 'list', '--db', db]);
    expect(listed).toEqual({ code: 0, stdout: 'No keys in project default.\n', stderr: '' });
    const json = await runCli(['keys', 'list', '--db', db, '--json']);
    expect(json).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    const revoked = await runCli(['keys', 'revoke', 'some-id', '--db', db]);
    expect(revoked).toEqual({
      code: 1,
      stdout: '',
      stderr: 'arc keys: no active key some-id in project default\n',
    });
    expect(await storage.findProjectByName('default')).toBeUndefined();
  });

  it('creates, lists and revokes keys in the database', async () => {
    const created = await runCli([
      'keys',
      'create',
      '--db',
      db,
      '--name',
      'ci',
      '--scopes',
      'ingest,read',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; scopes: string[] };
    expect(key.scopes).toEqual(['ingest', 'read']);
    const record = await storage.findApiKeyByHash(hashApiKey(key.key));
    expect(record).toMatchObject({ id: key.id, name: 'ci', scopes: ['ingest', 'read'], revokedAt: null });
    expect(record?.projectId).toBe((await storage.ensureProject('default')).id);

    const listed = await runCli(['keys', 'list', '--db', db]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${key.id}\\s+ci\\s+ingest,read\\s+${key.key.slice(0, 8)}…`, 'm'),
    );
    expect(listed.stdout).not.toContain(key.key);

    const revoked = await runCli(['keys', 'revoke', key.id, '--db', db]);
    expect(revoked.code).toBe(0);
    expect((await storage.findApiKeyByHash(hashApiKey(key.key)))?.revokedAt).toEqual(expect.any(Number));
    const again = await runCli(['keys', 'revoke', key.id, '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no active key/);

    const json = await runCli(['keys', 'list', '--db', db, '--json']);
    const rows = JSON.parse(json.stdout) as { id: string; revokedAt: string | null }[];
    expect(rows.find((r) => r.id === key.id)?.revokedAt).toEqual(expect.any(String));
  });

  it('reads --db from ARC_DB, and a PostgreSQL URL without its password takes PGPASSWORD', async () => {
    const created = await runCli(['keys', 'create', '--name', 'env', '--scopes', 'read', '--json'], {
      ARC_DB: db,
    });
    expect(created.code).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    expect((await storage.findApiKeyByHash(hashApiKey(key)))?.id).toBe(id);
    const listed = await runCli(['keys', 'list', '--json'], { ARC_DB: db });
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((k) => k.id)).toContain(id);
    if (backend.name !== 'postgres') return;
    const url = new URL(db);
    const password = decodeURIComponent(url.password);
    url.password = '';
    const withoutPassword = await runCli(['keys', 'list', '--json'], {
      ARC_DB: url.href,
      PGPASSWORD: password,
    });
    expect(withoutPassword.stderr).toBe('');
    expect((JSON.parse(withoutPassword.stdout) as { id: string }[]).map((k) => k.id)).toContain(id);
    const wrong = await runCli(['keys', 'list'], { ARC_DB: url.href, PGPASSWORD: `${password}-wrong` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/password authentication failed/);
  });

  it('creates keys in other projects with --project', async () => {
    const created = await runCli([
      'keys',
      'create',
      '--db',
      db,
      '--project',
      'team-b',
      '--name',
      'b',
      '--scopes',
      'admin',
    ]);
    expect(created.code).toBe(0);
    const key = printedApiKey(created.stdout)!;
    expect(key).toBeDefined();
    const record = await storage.findApiKeyByHash(hashApiKey(key));
    expect(record?.projectId).toBe((await storage.ensureProject('team-b')).id);
  });

  it('lists and revokes only in a project that exists: a --project typo creates nothing', async () => {
    for (const args of [['list'], ['revoke', 'some-id']]) {
      const result = await runCli(['keys', ...args, '--db', db, '--project', 'team-typo']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('arc keys: --project: no project named "team-typo" in this database\n');
    }
    expect(await storage.findProjectByName('team-typo')).toBeUndefined();
  });

  it('refuses unknown scopes and missing options', async () => {
    const badScope = await runCli(['keys', 'create', '--db', db, '--name', 'x', '--scopes', 'read,root']);
    expect(badScope.code).not.toBe(0);
    expect(badScope.stderr).toMatch(/unknown scope "root"/);
    const noName = await runCli(['keys', 'create', '--db', db, '--scopes', 'read']);
    expect(noName.code).not.toBe(0);
    expect(noName.stderr).toMatch(/--name/);
    // As POST /v1/keys takes a name: 1 to 100 characters.
    for (const name of ['', '  ', 'n'.repeat(101)]) {
      const badName = await runCli(['keys', 'create', '--db', db, '--name', name, '--scopes', 'read']);
      expect(badName.code).toBe(1);
      expect(badName.stderr).toMatch(
        /^error: option '--name <name>' argument .* is invalid\. expected 1 to 100 characters/,
      );
    }
  });
});

describe('arc keys without a database', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('does not create one to list or revoke, and says where it looked', async () => {
    const missing = `/tmp/arc-no-such-dir-${process.pid}/arc.db`;
    for (const args of [['list'], ['revoke', 'some-id']]) {
      const result = await runCli(['keys', ...args, '--db', missing]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`no database at ${missing}`);
    }
  });

  it('names --db in a bad URL, without its password', async () => {
    const result = await runCli([
      'keys',
      'create',
      '--db',
      'postgres://u:secret@host:x/db',
      '--name',
      'n',
      '--scopes',
      'read',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('arc keys: cannot open --db postgres://u:***@host:x/db: Invalid URL\n');
  });

  it('takes a URL from ARC_DB without echoing its password, in errors or in --help', async () => {
    const env = { ARC_DB: 'postgres://u:secret@host:x/db' };
    const result = await runCli(['keys', 'list'], env);
    // Named as the user gave it: a message blaming --db would send them to arguments they never typed.
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'arc keys: cannot open ARC_DB postgres://u:***@host:x/db: Invalid URL\n',
    });
    const scheme = await runCli(['keys', 'list'], { ARC_DB: 'mysql://u:secret@host/db' });
    expect(scheme.stderr).toBe(
      'arc keys: ARC_DB mysql://u:***@host/db: unknown scheme mysql:// (expected a SQLite file path or a postgres:// URL)\n',
    );
    const help = await runCli(['keys', 'list', '--help'], env);
    expect(help.stdout).toContain('(env: ARC_DB)');
    expect(help.stdout + help.stderr).not.toContain('secret');
  });
});
