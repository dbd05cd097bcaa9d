import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_FILE, openStorage, shownDb, storageTarget } from './open-storage.js';
import { openTestStorages } from './test-databases.js';

describe('storageTarget', () => {
  it('defaults to the embedded SQLite file', () => {
    expect(storageTarget(undefined)).toEqual({ dialect: 'sqlite', file: DEFAULT_SQLITE_FILE });
    expect(DEFAULT_SQLITE_FILE).toBe('.arc/arc.db');
  });

  it.each(['postgres://u:p@db:5432/arc', 'postgresql://db/arc', 'POSTGRES://db/arc'])(
    'reads %s as PostgreSQL',
    (db) => {
      expect(storageTarget(db)).toEqual({ dialect: 'postgres', connectionString: db });
    },
  );

  it.each(['data/arc.db', '/var/lib/arc.sqlite', 'postgres.db', 'file:arc.db', 'C://arc.db'])(
    'reads %s as a SQLite file',
    (db) => {
      expect(storageTarget(db)).toEqual({ dialect: 'sqlite', file: db });
    },
  );

  // Before, these were SQLite paths: `mysql://u:pw@db/arc` made folders mysql:/u:pw@db/ and a file.
  it.each([
    ['mysql://u:secret@db/arc', 'mysql://u:***@db/arc', 'mysql'],
    ['sqlite:///var/arc.db', 'sqlite:///var/arc.db', 'sqlite'],
    ['https://db/arc', 'https://db/arc', 'https'],
  ])('refuses %s, an unknown scheme, naming --db', (db, shown, scheme) => {
    expect(() => storageTarget(db)).toThrow(
      `--db ${shown}: unknown scheme ${scheme}:// (expected a SQLite file path or a postgres:// URL)`,
    );
  });
});

describe('shownDb', () => {
  it.each([
    ['postgres://arc:secret@db:5432/arc', 'postgres://arc:***@db:5432/arc'],
    ['postgres://arc:p@ss:w/rd@db/arc', 'postgres://arc:***@db/arc'],
    ['postgres://:secret@db/arc', 'postgres://:***@db/arc'],
    [
      'postgres://arc@db/arc?password=secret&sslmode=require',
      'postgres://arc@db/arc?password=***&sslmode=require',
    ],
    ['postgres://db/arc', 'postgres://db/arc'],
    ['data/arc.db', 'data/arc.db'],
  ])('shows %s as %s', (db, shown) => {
    expect(shownDb(db)).toBe(shown);
  });
});

describe.each(openTestStorages())('openStorage on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('opens a migrated storage of that dialect', async () => {
    await backend.open();
    const storage = await openStorage(backend.location());
    try {
      expect(storage.dialect).toBe(backend.name);
      expect(await storage.ping()).toBe(true);
      const project = await storage.ensureProject('opened');
      expect(await storage.countEvents(project.id)).toBe(0);
    } finally {
      await storage.close();
    }
  });
});

describe('openStorage errors name --db, never its password', () => {
  it('rejects a database it cannot reach', async () => {
    await expect(openStorage('postgres://nobody:wrong@127.0.0.1:1/none')).rejects.toThrow(
      /^cannot open --db postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none: ./,
    );
  });

  it.each([
    ['postgres://u:secret@host:badport/db', 'postgres://u:***@host:badport/db'],
    ['postgres://u:sec ret@[::1/db', 'postgres://u:***@[::1/db'],
  ])('rejects %s, a malformed URL', async (db, shown) => {
    // Before: just "Invalid URL".
    await expect(openStorage(db)).rejects.toThrow(`cannot open --db ${shown}: Invalid URL`);
  });

  it('rejects a SQLite file it cannot create', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'arc-open-'));
    try {
      writeFileSync(join(folder, 'file'), '');
      const db = join(folder, 'file', 'arc.db');
      await expect(openStorage(db)).rejects.toThrow(new RegExp(`^cannot open --db ${db}: `));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
