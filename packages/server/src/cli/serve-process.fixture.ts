// Starts a real `arc serve` in a child process (its own event loop, like production) on a free
// loopback port and waits until /readyz answers. Tests run it from the sources through tsx (no
// build needed); benchmarks run the built CLI so the loader costs nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SOURCE_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
const BUILT_ENTRY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface ArcServerProcess {
  url: string;
  port: number;
  adminKey: string;
  child: ChildProcess;
  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartArcServerOptions {
  db: string;
  /** Run dist/cli/main.js instead of the TypeScript sources. */
  built?: boolean;
  port?: number;
  adminKey?: string;
  logLevel?: string;
  extraArgs?: string[];
  /** Options for node itself (e.g. `--cpu-prof`), before the entry. */
  nodeArgs?: string[];
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startArcServer(options: StartArcServerOptions): Promise<ArcServerProcess> {
  const port = options.port ?? (await freePort());
  const adminKey = options.adminKey ?? `arc_${randomBytes(24).toString('base64url')}`;
  const entry = options.built ? [BUILT_ENTRY] : ['--import', 'tsx', SOURCE_ENTRY];
  const args = [
    'serve',
    '--port',
    String(port),
    '--db',
    options.db,
    '--log-level',
    options.logLevel ?? 'warn',
  ];
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), ...entry, ...args, ...(options.extraArgs ?? [])],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ARC_ADMIN_KEY: adminKey },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`arc serve exited early (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`arc serve did not become ready: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port,
    adminKey,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}
