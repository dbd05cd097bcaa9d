// Writes the test vectors shared with the Python SDK (npm run vectors): what core and the TypeScript
// SDK compute for the inputs in packages/core/src/shared-test-cases.fixture.ts and core's corpora.
// Run it after changing a redaction, fingerprint, fix-type or canary rule, and commit the files;
// the Vitest and pytest suites both check them.
import { writeFileSync } from 'node:fs';
import { sharedTestVectors } from '../packages/core/src/shared-test-vectors.fixture.js';
import { canaryVectors } from '../packages/sdk/src/canary-vectors.fixture.js';

const write = (path: string, vectors: unknown): void => {
  writeFileSync(new URL(`../${path}`, import.meta.url), `${JSON.stringify(vectors, null, 1)}\n`);
  console.log(`wrote ${path}`);
};

for (const [name, vectors] of Object.entries(sharedTestVectors()))
  write(`packages/core/test-vectors/${name}`, vectors);
write('packages/sdk/test-vectors/canary.json', canaryVectors());
