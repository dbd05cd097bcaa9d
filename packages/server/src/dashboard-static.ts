// The dashboard at `/`: the static files @arc-agent/dashboard ships built in its dist/ folder,
// found through the package itself, so `arc serve` needs no build step at run time. Vite names the
// assets by content hash, so they are cached for good; index.html is revalidated on every load.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { HttpError } from './http-error.js';

/** The page talks only to this origin; nothing inline, nothing framed. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const resolvePackage = (specifier: string) => createRequire(import.meta.url).resolve(specifier);

/** The built dashboard's folder, or null when the package is missing or not built. */
export function builtDashboardDirectory(
  resolve: (specifier: string) => string = resolvePackage,
): string | null {
  let manifest: string;
  try {
    manifest = resolve('@arc-agent/dashboard/package.json');
  } catch {
    return null;
  }
  const dist = join(dirname(manifest), 'dist');
  return existsSync(join(dist, 'index.html')) ? dist : null;
}

export interface DashboardRoutesOptions {
  /** Folder holding index.html and assets/; null answers `/` with 503 and how to build it. */
  root: string | null;
}

export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (app, { root }) => {
  if (root === null) {
    app.get('/', { schema: { hide: true } }, async () => {
      throw new HttpError(503, 'The dashboard is not built: run `npm run build -w @arc-agent/dashboard`');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // Routes for the files present at start only: nothing else under / is looked up on disk.
    wildcard: false,
    index: 'index.html',
    cacheControl: false,
    setHeaders(res, path) {
      const hashed = path.startsWith(join(root, 'assets'));
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      if (path.endsWith('.html')) res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    },
  });
};
