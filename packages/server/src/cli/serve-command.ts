// `arc serve`: runs the server until SIGTERM or SIGINT, then stops gracefully (in-flight requests
// finish, streams end, the database closes) and exits 0. A second signal exits at once.

import { readFileSync } from 'node:fs';
import { isIP, isIPv4 } from 'node:net';
import { type Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { DEFAULT_RETENTION_DAYS, daysToMs } from '../event-retention.js';
import { redactedLogger } from '../redacted-logging.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../server.js';
import { DEFAULT_LIMITS } from '../server-limits.js';
import { dbNamed, dbOption, parseIntegerOption } from './cli-options.js';

interface ServeOptions {
  port: number;
  host: string;
  db?: string;
  adminKey?: string;
  logLevel: string;
  maxBatchEvents?: number;
  maxBodyBytes?: number;
  failureReservoir?: number;
  successReservoir?: number;
  maxPatternsPerFunction?: number;
  maxFunctionsPerProject?: number;
  retentionDays: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  streamsPerKey?: number;
  maxStreams?: number;
  maxConnections?: number;
  rateLimit?: number;
  rateBurst?: number;
  trustProxy?: true | string[];
  tlsCert?: string;
  tlsKey?: string;
}

/** The names of address ranges Fastify's proxy-addr knows, besides addresses and CIDRs. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, an address/prefix-length or an IPv4 address/netmask, as proxy-addr reads them. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^[0-9]{1,3}$/.test(range)) return Number(range) <= (version === 4 ? 32 : 128);
  return version === 4 && isIPv4(range);
}

/**
 * `--trust-proxy` alone trusts any peer; with a value, the comma-separated addresses and CIDRs,
 * checked here so that a typo is an error naming the flag rather than a failed start.
 */
function parseTrustedProxies(text: string): string[] {
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isProxyEntry(entry));
  if (bad !== undefined) {
    throw new InvalidArgumentError(
      `"${bad}" is not an address or CIDR range (expected them separated by commas, e.g. 127.0.0.1,10.0.0.0/8)`,
    );
  }
  return entries;
}

const positive = parseIntegerOption(1, Number.MAX_SAFE_INTEGER);

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the Arc server (HTTP API, live stream) over SQLite or PostgreSQL')
    .option('--port <port>', 'TCP port, 0 for any free one', parseIntegerOption(0, 65535), DEFAULT_PORT)
    .option('--host <host>', 'interface to listen on', DEFAULT_HOST)
    .addOption(dbOption())
    .addOption(
      new Option(
        '--admin-key <key>',
        'admin key to ensure for the default project (prefer the env var: arguments show in ps)',
      ).env('ARC_ADMIN_KEY'),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        .default('info'),
    )
    .option(
      '--max-batch-events <n>',
      `events per POST /v1/events and /v1/feedback, spans per POST /v1/traces (default ${DEFAULT_LIMITS.maxBatchEvents})`,
      positive,
    )
    .option(
      '--max-body-bytes <n>',
      `bytes per request body (default ${DEFAULT_LIMITS.maxBodyBytes})`,
      positive,
    )
    .option(
      '--failure-reservoir <n>',
      `failing examples kept per pattern (default ${DEFAULT_LIMITS.failureReservoirSize})`,
      positive,
    )
    .option(
      '--success-reservoir <n>',
      `successful examples kept per function (default ${DEFAULT_LIMITS.successReservoirSize})`,
      positive,
    )
    .option(
      '--max-patterns-per-function <n>',
      `patterns per function; failures of further ones are counted in its overflow pattern (default ${DEFAULT_LIMITS.maxPatternsPerFunction})`,
      positive,
    )
    .option(
      '--max-functions-per-project <n>',
      `functions per project; events of further ones are stored under the overflow function (default ${DEFAULT_LIMITS.maxFunctionsPerProject})`,
      positive,
    )
    .option(
      '--retention-days <days>',
      'events and their examples older than this are deleted in the background, per project; 0 keeps everything',
      parseIntegerOption(0, 36_500),
      DEFAULT_RETENTION_DAYS,
    )
    .option(
      '--request-timeout <ms>',
      `time to send a whole request, headers and body, else 408 (default ${DEFAULT_LIMITS.requestTimeoutMs})`,
      positive,
    )
    .option(
      '--connection-timeout <ms>',
      `idle time after which a connection is closed (default ${DEFAULT_LIMITS.connectionTimeoutMs})`,
      positive,
    )
    .option(
      '--max-connections <n>',
      `TCP connections open at once, event streams included; further ones are closed as they arrive (default ${DEFAULT_LIMITS.maxConnections})`,
      positive,
    )
    .option(
      '--rate-limit <n>',
      `requests per second per key, on average, else 429 with Retry-After (default ${DEFAULT_LIMITS.rateLimitPerSecond})`,
      positive,
    )
    .option(
      '--rate-burst <n>',
      `requests a key may make at once after a pause (default ${DEFAULT_LIMITS.rateLimitBurst})`,
      positive,
    )
    .option(
      '--streams-per-key <n>',
      `event streams open at once per key, else 429 (default ${DEFAULT_LIMITS.streamsPerKey})`,
      positive,
    )
    .option(
      '--max-streams <n>',
      `event streams open at once on this server, else 429 (default ${DEFAULT_LIMITS.maxStreams})`,
      positive,
    )
    .option(
      '--trust-proxy [addresses]',
      'behind a reverse proxy: believe its X-Forwarded-Proto/-For (alone: from any peer; or from these comma-separated addresses and CIDRs), so the session cookie is Secure for HTTPS requests',
      parseTrustedProxies,
    )
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); needs --tls-key')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .addHelpText(
      'after',
      `
Logs are JSON lines (pino) on stdout. Without --admin-key or ARC_ADMIN_KEY, the first start
creates an admin key for the default project and prints it once on stderr; later starts print
nothing. Manage keys with \`arc keys\` or the /v1/keys routes. The dashboard's session cookie is
Secure when the request came over HTTPS: served with --tls-cert/--tls-key, or through a proxy
trusted with --trust-proxy that sets X-Forwarded-Proto. An event stream whose client leaves data
unread for 30 s, or falls 1,000 events behind during its replay, is dropped (it resumes with
Last-Event-ID); a stream ends when its key is revoked or its session ends or expires.

A --db URL with a password shows in ps: set ARC_DB to it instead (\`arc keys\` reads it too), or
leave the password out of the URL and set PGPASSWORD, which the PostgreSQL client then uses.
Messages show --db (or ARC_DB, where it came from there) with its password masked.`,
    )
    .action(async (options: ServeOptions, command: Command) => {
      const logger = redactedLogger(pino({ name: 'arc', level: options.logLevel }));
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
          throw new Error('--tls-cert and --tls-key go together');
        }
        server = await startServer({
          port: options.port,
          host: options.host,
          logger,
          ...(options.db !== undefined ? { db: options.db, dbNamed: dbNamed(command) } : {}),
          ...(options.adminKey !== undefined ? { adminKey: options.adminKey } : {}),
          ...(options.tlsCert !== undefined && options.tlsKey !== undefined
            ? { tls: { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } }
            : {}),
          ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
          retention: options.retentionDays === 0 ? false : { maxAgeMs: daysToMs(options.retentionDays) },
          limits: {
            maxBatchEvents: options.maxBatchEvents,
            maxBodyBytes: options.maxBodyBytes,
            failureReservoirSize: options.failureReservoir,
            successReservoirSize: options.successReservoir,
            maxPatternsPerFunction: options.maxPatternsPerFunction,
            maxFunctionsPerProject: options.maxFunctionsPerProject,
            requestTimeoutMs: options.requestTimeout,
            connectionTimeoutMs: options.connectionTimeout,
            maxConnections: options.maxConnections,
            rateLimitPerSecond: options.rateLimit,
            rateLimitBurst: options.rateBurst,
            streamsPerKey: options.streamsPerKey,
            maxStreams: options.maxStreams,
          },
        });
      } catch (error) {
        logger.fatal({ err: error }, 'arc serve could not start');
        logger.flush();
        process.stderr.write(`arc serve: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
        return;
      }
      if (server.createdAdminKey !== null) {
        process.stderr.write(
          `\nAdmin key for the default project (shown only this once; store it now):\n\n  ${server.createdAdminKey}\n\n`,
        );
      }
      logger.info({ url: server.url }, 'arc serving');

      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          logger.warn({ signal }, 'second signal: exiting without waiting');
          logger.flush();
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'shutting down');
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`arc serve: shutdown failed: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
