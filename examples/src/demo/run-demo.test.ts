// The demo's refusals that come before any model work (the tiny real run is demo.test.ts).

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DemoOptionError } from './demo-options.js';
import { DemoProgress } from './demo-progress.js';
import { demoExitCode, EXIT_DEMO_OPTIONS, runDemo } from './run-demo.js';

describe('runDemo with --db', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('refuses an existing database unless --resume is given, and leaves it untouched', async () => {
    dir = await mkdtemp(join(tmpdir(), 'arc-demo-db-'));
    const db = join(dir, 'arc.db');
    await writeFile(db, 'someone else’s data');
    let output = '';
    const progress = new DemoProgress({ write: (text) => (output += text) });
    const refused = await runDemo({ db }, { progress }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DemoOptionError);
    expect((refused as Error).message).toBe(
      `--db ${db} exists: pass --resume to go on with it, or name a new file`,
    );
    expect(demoExitCode(refused)).toBe(EXIT_DEMO_OPTIONS);
    expect(await readFile(db, 'utf8')).toBe('someone else’s data');
    expect(output).toBe('');
  });
});
