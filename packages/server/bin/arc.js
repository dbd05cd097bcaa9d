#!/usr/bin/env node
// The `arc` command as npm links it. npm links a workspace's bin only when its target exists at
// install time, and dist/ exists only after a build, so the committed entry is this file: it
// runs the built CLI, or says how to build it.

import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'arc: the CLI is not built yet. Run `make build` (or `npm run build`) in the repository first.\n',
  );
  process.exit(1);
}
await import(main.href);
