// Runs the real `arc` CLI in a child process: node with tsx's loader on the sources, from the
// repository root (whose tsconfig maps @arc-agent/core to its sources), so no build is needed.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { API_KEY_PATTERN } from '../api-keys.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * A bound for tests that start the CLI: each start compiles the sources with tsx, seconds apiece on
 * a loaded machine (the SIGTERM test, two starts, took 44 s at load 17 on 2 cores).
 */
export const CLI_TEST_TIMEOUT_MS = 240_000;

export function spawnCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): ChildProcessWithoutNullStreams {
  const childEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, env: childEnv });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The API key a command printed on a line of its own, as `arc serve` and `arc keys create` print
 * it. Matched whole: a key may end in `-`, where a word boundary after it would never match.
 */
export function printedApiKey(output: string): string | undefined {
  return output
    .split('\n')
    .map((line) => line.trim())
    .find((line) => API_KEY_PATTERN.test(line));
}
