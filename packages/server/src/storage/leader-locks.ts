// Leadership among every process sharing a database: exactly one of them holds a named lock (the
// learner of a project) until it releases it or dies. PostgreSQL: session advisory locks held on
// one dedicated connection, so they vanish with it (a crashed replica's leadership passes to the
// next that asks); SQLite: the embedded shape is one process, so a lock is a name in this process.

import pg from 'pg';
import type { StorageErrorHandler } from './stream-listeners.js';

export interface HeldLock {
  /** Aborted when the lock is lost (its connection dropped): its holder must stop acting as leader. */
  readonly signal: AbortSignal;
  /** Gives the lock up; safe to call more than once. */
  release(): Promise<void>;
}

export interface LeaderLocks {
  /** The lock, or null when another holder (another process, or this one already) has it. */
  tryLock(name: string): Promise<HeldLock | null>;
  /** Releases every lock this instance holds. */
  close(): Promise<void>;
}

/** Class of the leader locks (two-int key space); distinct from the storage's migration and stream locks. */
export const LEADER_LOCK_CLASS = 0x41524303;

/**
 * The names held (or being acquired) through one instance, in `registry` (which may be shared by
 * instances that must exclude each other). `acquire` asks the database, `giveBack` returns a lock.
 */
class HeldNames {
  readonly #mine = new Map<string, AbortController>();

  constructor(
    private readonly registry: Set<string>,
    private readonly keyOf: (name: string) => string,
  ) {}

  async tryLock(
    name: string,
    acquire: () => Promise<boolean>,
    giveBack: () => Promise<void>,
  ): Promise<HeldLock | null> {
    const key = this.keyOf(name);
    if (this.registry.has(key)) return null;
    this.registry.add(key);
    let granted = false;
    try {
      granted = await acquire();
    } finally {
      if (!granted) this.registry.delete(key);
    }
    if (!granted) return null;
    const controller = new AbortController();
    this.#mine.set(key, controller);
    let released = false;
    return {
      signal: controller.signal,
      release: async () => {
        if (released) return;
        released = true;
        if (this.#mine.get(key) !== controller) return;
        this.#mine.delete(key);
        this.registry.delete(key);
        if (!controller.signal.aborted) await giveBack();
      },
    };
  }

  /** Every lock is gone (its connection ended): tell the holders. */
  lose(reason: Error): void {
    for (const [key, controller] of this.#mine) {
      controller.abort(reason);
      this.registry.delete(key);
    }
    this.#mine.clear();
  }
}

const inThisProcess = new Set<string>();

/** In-process locks; `scope` (the database file) keeps instances of different databases apart. */
export function createProcessLeaderLocks(scope: string): LeaderLocks {
  const names = new HeldNames(inThisProcess, (name) => `${scope}\u0000${name}`);
  return {
    tryLock: (name) =>
      names.tryLock(
        name,
        async () => true,
        async () => undefined,
      ),
    async close() {
      names.lose(new Error('storage closed'));
    },
  };
}

/** Advisory locks of the PostgreSQL server at `connectionString`, held on a connection of their own. */
export function createPgLeaderLocks(connectionString: string, onError: StorageErrorHandler): LeaderLocks {
  // Per instance: another instance, even in this process, is another session and must be refused.
  const names = new HeldNames(new Set(), (name) => name);
  let client: Promise<pg.Client> | undefined;
  const connection = (): Promise<pg.Client> => {
    client ??= (async () => {
      const c = new pg.Client({ connectionString });
      const ended = (error?: Error) => {
        if (error !== undefined) onError(error);
        void client?.then(
          (current) => {
            if (current !== c) return;
            client = undefined;
            names.lose(new Error('leader lock lost: its database connection ended'));
          },
          () => undefined,
        );
      };
      c.on('error', ended);
      c.on('end', () => ended());
      await c.connect();
      return c;
    })().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };
  return {
    tryLock: (name) =>
      names.tryLock(
        name,
        async () => {
          const c = await connection();
          const result = await c.query<{ ok: boolean }>(
            'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS ok',
            [LEADER_LOCK_CLASS, name],
          );
          return result.rows[0]?.ok === true;
        },
        async () => {
          const c = await client?.catch(() => undefined);
          await c?.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [LEADER_LOCK_CLASS, name]);
        },
      ),
    async close() {
      const c = client;
      client = undefined;
      names.lose(new Error('storage closed'));
      // Ending the session releases every advisory lock it held.
      await (await c?.catch(() => undefined))?.end();
    },
  };
}
