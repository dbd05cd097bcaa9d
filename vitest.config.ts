import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so the suite needs no build step first.
    alias: {
      '@arc-agent/core': src('core'),
      '@arc-agent/server': src('server'),
      '@arc-agent/sdk': src('sdk'),
      '@arc-agent/examples': fileURLToPath(new URL('./examples/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/src/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
