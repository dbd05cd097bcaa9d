// A listening Arc server: storage opened and migrated, default project and admin key ensured,
// HTTP up. close() is graceful: in-flight requests finish, live streams end, logs flush, the
// database closes. Signal handling belongs to the CLI, so embedding code keeps control.

import pino, { type Logger } from 'pino';
import { ensureAdminKey } from './admin-key-bootstrap.js';
import { type ArcApp, buildApp } from './app.js';
import { DEFAULT_RETENTION_DAYS, daysToMs, EventRetention } from './event-retention.js';
import { LearnerPool } from './learner/learner-pool.js';
import { LearnerThread, type LearnerThreadStep } from './learner/learner-thread.js';
import { type LlmAnalyst, llmAnalystFromEnv } from './learner/llm-analyst.js';
import type { TlsCredentials } from './node-http-server.js';
import { redactedLogger } from './redacted-logging.js';
import type { ServerLimits } from './server-limits.js';
import { openStorage } from './storage/open-storage.js';
import type { Storage } from './storage/storage.js';

export const DEFAULT_PORT = 4317;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PROJECT = 'default';

export interface StartServerOptions {
  /** Default 4317; 0 picks a free port (see `url`). */
  port?: number;
  host?: string;
  /** SQLite file path or postgres:// URL; default `.arc/arc.db`. */
  db?: string;
  /** What messages call `db`: --db by default, ARC_DB where `arc serve` read it from there. */
  dbNamed?: string;
  /** Admin key to ensure for the default project (`ARC_ADMIN_KEY`). */
  adminKey?: string;
  logger?: Logger;
  limits?: Partial<ServerLimits>;
  /** Serve HTTPS with this certificate and key. */
  tls?: TlsCredentials;
  /** Believe X-Forwarded-* from any peer (true) or from these addresses and CIDR ranges. */
  trustProxy?: boolean | string[];
  /**
   * The learning loop: one learner per project (leader-elected across replicas), stepping on new
   * failures and time, and judging canaries, in a worker thread with its own database connection
   * so that ingest keeps this one. On by default; the LLM analyst defaults to the one
   * ARC_ANALYST_BASE_URL and ARC_ANALYST_MODEL configure, if any (read by the thread).
   */
  learning?: { enabled?: boolean; analyst?: LlmAnalyst; tickMs?: number };
  /**
   * Events (and their examples) older than `maxAgeMs` are deleted in the background, per project,
   * at start and every `intervalMs`; 30 days by default; false keeps everything.
   */
  retention?: { maxAgeMs: number; intervalMs?: number } | false;
  /** Randomness of the example reservoirs, in [0, 1); Math.random by default. A seeded one makes a run repeat. */
  random?: () => number;
}

export interface RunningServer {
  url: string;
  /** The admin key created by this start when there was none, else null. Shown nowhere else. */
  createdAdminKey: string | null;
  app: ArcApp;
  storage: Storage;
  /**
   * The learners of this process's projects: in a thread of their own, or in this one when given an
   * analyst object; null when learning is off.
   */
  learners: LearnerThread | LearnerPool | null;
  /** Graceful stop; safe to call more than once. */
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = redactedLogger(options.logger ?? pino({ name: 'arc' }));
  // Ingest's thread commits; SQLite's checkpoints run in a thread of their own.
  const storage = await openStorage(options.db, {
    checkpointThread: true,
    ...(options.dbNamed !== undefined ? { named: options.dbNamed } : {}),
  });
  let app: ArcApp | undefined;
  let learners: LearnerThread | LearnerPool | null = null;
  let retention: EventRetention | null = null;
  try {
    const project = await storage.ensureProject(DEFAULT_PROJECT);
    const { createdKey } = await ensureAdminKey(storage, project.id, options.adminKey);
    app = buildApp({
      storage,
      logger,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    const url = await app.listen({ port: options.port ?? DEFAULT_PORT, host: options.host ?? DEFAULT_HOST });
    const listening = app;
    if (options.learning?.enabled !== false) {
      const tickMs = options.learning?.tickMs;
      const onError = (err: unknown) => logger.error({ err }, 'learner failed');
      const onStep = ({ step, rollouts, completed }: LearnerThreadStep) =>
        logger.info({ step, rollouts, completed }, 'learning step');
      const analyst = options.learning?.analyst;
      // Built, the learners get a thread of their own. From the TypeScript sources (tests, tsx) they
      // stay in this one: a worker loading tsx's hooks made `arc serve` die of SIGINT now and then
      // (2 of 12 starts) instead of running its handler; the built CLI handled 12 of 12.
      const fromSources = import.meta.url.endsWith('.ts');
      if (analyst === undefined && !fromSources) {
        learners = await LearnerThread.start({
          db: options.db,
          ...(tickMs !== undefined ? { tickMs } : {}),
          onError,
          onStep,
          onStreamCommitted: () => void storage.catchUpStream().catch(onError),
        });
      } else {
        // An analyst object lives in this thread, so its learners do too.
        const inThisThread = analyst ?? llmAnalystFromEnv(process.env);
        const pool = new LearnerPool({
          storage,
          ...(inThisThread !== undefined ? { analyst: inThisThread } : {}),
          ...(tickMs !== undefined ? { tickMs } : {}),
          onError,
          onStep,
        });
        learners = pool;
        await pool.start();
      }
    }
    if (options.retention !== false) {
      retention = new EventRetention({
        storage,
        maxAgeMs: options.retention?.maxAgeMs ?? daysToMs(DEFAULT_RETENTION_DAYS),
        ...(options.retention?.intervalMs !== undefined ? { intervalMs: options.retention.intervalMs } : {}),
        onError: (err) => logger.error({ err }, 'retention sweep failed'),
        onSwept: (report) => logger.info(report, 'retention: old events deleted'),
      });
      retention.start();
    }
    const running = learners;
    const sweeping = retention;
    let closing: Promise<void> | undefined;
    return {
      url,
      createdAdminKey: createdKey,
      app: listening,
      storage,
      learners: running,
      close() {
        closing ??= (async () => {
          try {
            await running?.stop();
            await sweeping?.stop();
            await listening.close();
          } finally {
            await storage.close();
            logger.flush();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await learners?.stop();
    await retention?.stop();
    await app?.close();
    await storage.close();
    throw error;
  }
}
