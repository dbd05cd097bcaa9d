// Writes the test vectors shared with the Python SDK (npm run vectors): what core and the TypeScript
// SDK compute for the inputs in packages/core/src/shared-test-cases.fixture.ts and core's corpora.
// Run it after changing a redaction, fingerprint, fix-type, canary, few-shot selection or verdict
// rule, and commit the files; the Vitest and pytest suites both check them.
import { writeFileSync } from 'node:fs';
import { fewShotPickVectors } from '../packages/core/src/few-shot-vectors.fixture.js';
import { sharedTestVectors } from '../packages/core/src/shared-test-vectors.fixture.js';
import { canaryVectors } from '../packages/sdk/src/canary-vectors.fixture.js';
import { verdictVectors } from '../packages/sdk/src/verdict-vectors.fixture.js';

const write = (path: string, vectors: unknown): void => {
  writeFileSync(new URL(`../${path}`, import.meta.url), `${JSON.stringify(vectors, null, 1)}\n`);
  console.log(`wrote ${path}`);
};

for (const [name, vectors] of Object.entries(sharedTestVectors()))
  write(`packages/core/test-vectors/${name}`, vectors);
write('packages/core/test-vectors/few-shot-picks.json', fewShotPickVectors());
write('packages/sdk/test-vectors/canary.json', canaryVectors());
write('packages/sdk/test-vectors/verdicts.json', await verdictVectors());
