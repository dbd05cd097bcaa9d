// Builds the single-page app in ui/ to dist/, the folder `arc serve` serves at `/`. `npm run dev`
// serves it with hot reload and sends /v1 to an `arc serve` on the default port.

import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./ui', import.meta.url)),
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The entry is one module: no preload polyfill, so no inline script (the page's CSP has none).
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:4317' } },
});
