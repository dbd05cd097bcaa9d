// End to end through the real Arc server: buildApp over SQLite storage on a real port, the SDK
// sending to it over HTTP, and what the server made of it read back from `GET /v1/patterns` and
// `GET /v1/functions`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ArcApp, buildApp, createSqliteStorage, issueApiKey, type Storage } from '@arc-agent/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ArcEvent } from './arc-event.js';
import { createArc } from './create-arc.js';
import { classifyFailure } from './failure-classification.js';

let dir: string | undefined;
let storage: Storage | undefined;
let app: ArcApp | undefined;
afterEach(async () => {
  await app?.close();
  await storage?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = undefined;
  storage = undefined;
  dir = undefined;
});

/** The server over a fresh SQLite file, on a real port, with a key that may ingest and read. */
async function startServer(): Promise<{ url: string; key: string }> {
  dir = mkdtempSync(join(tmpdir(), 'arc-sdk-e2e-'));
  storage = createSqliteStorage({ file: join(dir, 'arc.db') });
  await storage.migrate();
  const project = await storage.ensureProject('e2e');
  const { key } = await issueApiKey(storage, project.id, 'sdk', ['ingest', 'read']);
  app = buildApp({ storage });
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), key };
}

describe('SDK to the real Arc server', () => {
  it('sends failures that the server groups into one pattern, with the id the SDK computes locally', async () => {
    const { url, key } = await startServer();

    const sent: ArcEvent[] = [];
    const arc = createArc({
      endpoint: url,
      apiKey: key,
      agentId: 'e2e-agent',
      fixes: { enabled: false },
      flushIntervalMs: 60_000,
      // Records what went over the wire, then sends it for real.
      fetch: async (input, init) => {
        if (typeof init?.body === 'string')
          sent.push(...(JSON.parse(init.body) as { events: ArcEvent[] }).events);
        return fetch(input, init);
      },
    });
    const lookup = arc.track('user.lookup', async (id: number) => {
      if (id % 2 === 1) throw new Error(`user ${id} not found (req ${id.toString(16).padStart(8, 'a')})`);
      return { id };
    });
    for (let id = 0; id < 10; id++) await lookup(id).catch(() => undefined);
    await arc.shutdown({ timeoutMs: 5000 });
    expect(arc.stats()).toMatchObject({ failed: 0, dropped: 0, queued: 0, lastError: null });

    const response = await fetch(`${url}/v1/patterns?function=user.lookup`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
    const { patterns } = (await response.json()) as {
      patterns: { id: string; function: string; occurrences: number; errorType: string }[];
    };
    expect(patterns).toHaveLength(1);
    expect(patterns[0]).toMatchObject({ function: 'user.lookup', occurrences: 5, errorType: 'Error' });
    const failure = sent.find((e) => e.kind === 'failure')!;
    expect(classifyFailure(failure).patternId).toBe(patterns[0]!.id);
  });

  it("declares the function's output schema, which the server lists with the function", async () => {
    const { url, key } = await startServer();
    const Call = z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()) });
    const arc = createArc({ endpoint: url, apiKey: key, fixes: { enabled: false }, flushIntervalMs: 60_000 });
    const answer = arc.track('bfcl_answer', (text: string) => Call.parse(JSON.parse(text)), {
      outputSchema: Call,
    });
    for (const text of ['{"name": "f"}', 'Sure! {"name": "f"']) {
      try {
        answer(text);
      } catch {
        // Reported as a failure; the caller's own handling does not matter here.
      }
    }
    await arc.shutdown({ timeoutMs: 5000 });
    expect(arc.stats()).toMatchObject({ failed: 0, dropped: 0, lastError: null });

    const response = await fetch(`${url}/v1/functions`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    const { functions } = (await response.json()) as { functions: Record<string, unknown>[] };
    expect(functions).toEqual([
      expect.objectContaining({
        function: 'bfcl_answer',
        failures: 2,
        outputSchema: { schema: z.toJSONSchema(Call), declaredAt: expect.any(String) },
      }),
    ]);
  });

  it('refuses at track time the tags the server would refuse, so no batch of events is lost to them', async () => {
    const { url, key } = await startServer();
    const arc = createArc({
      endpoint: url,
      apiKey: key,
      fixes: { enabled: false },
      flushIntervalMs: 60_000,
      // Successes travel as aggregate events, which add Arc's count tag to the function's tags.
      successSampleRate: 0,
    });
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, 'v']));
    const refused: Record<string, string>[] = [
      many(60),
      { retries: 3 as unknown as string },
      { ['k'.repeat(201)]: 'v' },
      { 'arc.count': '1000' },
      { canary: 'treatment' },
    ];
    for (const tags of refused) expect(() => arc.track('tagged', () => 1, { tags })).toThrow(TypeError);

    const tagged = arc.track('tagged', () => 1, { tags: many(59) });
    const other = arc.track('other', () => {
      throw new Error('boom');
    });
    tagged();
    expect(() => other()).toThrow('boom');
    await arc.shutdown({ timeoutMs: 5000 });
    expect(arc.stats()).toMatchObject({ sent: 2, failed: 0, dropped: 0, lastError: null });
  });
});
