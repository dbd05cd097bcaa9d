import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_FILE, openStorage, storageTarget } from './open-storage.js';
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

  it.each(['data/arc.db', '/var/lib/arc.sqlite', 'postgres.db', 'mysql://db/arc'])(
    'reads %s as a SQLite file',
    (db) => {
      expect(storageTarget(db)).toEqual({ dialect: 'sqlite', file: db });
    },
  );
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

it('rejects a database it cannot reach', async () => {
  await expect(openStorage('postgres://nobody:wrong@127.0.0.1:1/none')).rejects.toThrow();
});
