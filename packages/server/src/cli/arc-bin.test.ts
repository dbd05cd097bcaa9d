// The `arc` bin npm links: npm links it only when its target exists at install time, so the
// target must be committed (not the build output), say how to build when there is no build, and
// run the built CLI when there is one.

import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  bin: { arc: string };
};
const BIN = normalize(packageJson.bin.arc);

const runNode = (script: string, args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });

/** A copy of the package's bin, with `dist/cli/main.js` beside it when `main` is given. */
function packageCopy(main?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'arc-bin-'));
  copies.push(dir);
  mkdirSync(join(dir, dirname(BIN)), { recursive: true });
  copyFileSync(join(PACKAGE_DIR, BIN), join(dir, BIN));
  if (main !== undefined) {
    mkdirSync(join(dir, 'dist/cli'), { recursive: true });
    writeFileSync(join(dir, 'dist/cli/main.js'), main);
  }
  return join(dir, BIN);
}
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe('the arc bin', () => {
  it('is a committed file, so a fresh clone has it before any build', () => {
    const tracked = spawnSync('git', ['ls-files', '--', BIN], { cwd: PACKAGE_DIR, encoding: 'utf8' });
    expect(tracked.status).toBe(0);
    expect(tracked.stdout.trim()).toBe(BIN);
  });

  it('says how to build the CLI when it is not built', () => {
    const { status, stdout, stderr } = runNode(packageCopy(), ['--help']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/not built yet.*`make build`/);
  });

  it('runs the built CLI with the arguments it was given', () => {
    const main = 'console.log(JSON.stringify(process.argv.slice(2))); process.exitCode = 3;\n';
    const { status, stdout } = runNode(packageCopy(main), ['keys', '--help']);
    expect(stdout.trim()).toBe('["keys","--help"]');
    expect(status).toBe(3);
  });

  it.runIf(existsSync(join(PACKAGE_DIR, 'dist/cli/main.js')))('runs the real CLI once it is built', () => {
    const { status, stdout } = runNode(join(PACKAGE_DIR, BIN), ['--help']);
    expect(status).toBe(0);
    for (const command of ['serve', 'keys', 'demo'])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});
