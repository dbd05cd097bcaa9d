// Runs the benchmarks of one suite (`bench/<suite>/*.bench.ts`) or of all suites, one after the
// other. Each bench prints its own figures, with ratios against a baseline measured in the same run.
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchRoot = dirname(fileURLToPath(import.meta.url));
const requested = process.argv.slice(2);
const suites = requested.length > 0 ? requested : await listSuites();

for (const suite of suites) {
  const files = (await readdir(join(benchRoot, suite))).filter((f) => f.endsWith('.bench.ts')).sort();
  if (files.length === 0) throw new Error(`no *.bench.ts files in bench/${suite}`);
  for (const file of files) {
    console.log(`\n== bench/${suite}/${file}`);
    const bench = (await import(pathToFileURL(join(benchRoot, suite, file)).href)) as {
      run: () => Promise<void>;
    };
    await bench.run();
  }
}

async function listSuites(): Promise<string[]> {
  const entries = await readdir(benchRoot, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && e.name !== 'node_modules')
    .map((e) => e.name)
    .sort();
}
