// The dashboard's files at `/`: index.html revalidated on every load under a strict CSP, hashed
// assets cached for good, nothing outside the folder, and a 503 that says how to build when the
// dashboard is not built.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArcApp, buildApp } from './app.js';
import { builtDashboardDirectory } from './dashboard-static.js';
import { createSqliteStorage } from './storage/sqlite-storage.js';
import type { Storage } from './storage/storage.js';

describe('the dashboard at /', () => {
  let folder: string;
  let storage: Storage;
  const apps: ArcApp[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'arc-static-'));
    mkdirSync(join(folder, 'site', 'assets'), { recursive: true });
    writeFileSync(join(folder, 'site', 'index.html'), '<!doctype html><title>Arc</title>');
    writeFileSync(join(folder, 'site', 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(folder, 'secret.txt'), 'outside');
    storage = createSqliteStorage({ file: join(folder, 'arc.db') });
    await storage.migrate();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await storage.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const app = (dashboardRoot: string | null) => {
    const built = buildApp({ storage, dashboardRoot });
    apps.push(built);
    return built;
  };

  it('serves index.html at / under a CSP that allows only this origin', async () => {
    const response = await app(join(folder, 'site')).inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toBe('<!doctype html><title>Arc</title>');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('caches hashed assets for good and serves nothing outside the folder', async () => {
    const server = app(join(folder, 'site'));
    const asset = await server.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/nothing.js']) {
      const response = await server.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('outside');
    }
  });

  it('answers 503 with how to build it when the dashboard is not built', async () => {
    const response = await app(null).inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: 'The dashboard is not built: run `npm run build -w @arc-agent/dashboard`',
    });
  });

  it('finds the build in the dist/ folder of the @arc-agent/dashboard package', () => {
    const pkg = join(folder, 'pkg');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{}');
    const resolve = (specifier: string) => {
      expect(specifier).toBe('@arc-agent/dashboard/package.json');
      return join(pkg, 'package.json');
    };
    expect(builtDashboardDirectory(resolve)).toBeNull();
    writeFileSync(join(pkg, 'dist', 'index.html'), '<!doctype html>');
    expect(builtDashboardDirectory(resolve)).toBe(join(pkg, 'dist'));
    const missing = () => {
      throw new Error('Cannot find module');
    };
    expect(builtDashboardDirectory(missing)).toBeNull();
  });
});
