// The server's logs keep no secret a client sent: request URLs and errors that quote client text
// are logged through core's redaction, by the app's logger over real HTTP.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_CORPUS } from '../../core/src/secret-corpus.fixture.js';
import { rawRequest } from './raw-http-client.fixture.js';
import { REDACTING_SERIALIZERS } from './redacted-logging.js';
import type { Storage } from './storage/storage.js';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

const sample = (label: string) => SECRET_CORPUS.find((s) => s.label === label)!;
const github = sample('GitHub fine-grained personal access token');
const arcKey = sample('Arc key in a log line');
const card = sample('Visa number with spaces');

/** A storage whose pattern lookups fail quoting what they were asked, as database errors do. */
function quotingStorage(storage: Storage): Storage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property !== 'getPattern') return Reflect.get(target, property, receiver);
      return async (_projectId: string, patternId: string) => {
        throw Object.assign(new Error(`invalid pattern id "${patternId}"`), {
          detail: `Key (id)=(${patternId})`,
        });
      };
    },
  });
}

describe('redacted logging', () => {
  const backend = openTestStorages()[0]!;
  const lines: string[] = [];
  let server: TestServer;

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    server = await startTestServer(quotingStorage(await backend.open()), { logger });
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('logs request URLs and failed requests without the secrets in them', async () => {
    const key = await server.key(['read']);
    const failed = await server.request(
      'GET',
      `/v1/patterns/${encodeURIComponent(github.secret)}?function=${encodeURIComponent(card.context)}`,
      { key },
    );
    expect(failed.status).toBe(500);
    const missing = await server.request('GET', `/v1/nowhere/${arcKey.secret}`, { key });
    expect(missing.status).toBe(404);

    const text = lines.join('\n');
    expect(text).toContain('incoming request');
    expect(text).toContain('request failed');
    expect(text).toContain('invalid pattern id');
    for (const { label, secret } of [github, arcKey, card]) {
      for (const form of [secret, encodeURIComponent(secret)]) {
        expect(text.includes(form), `${label}: ${form}`).toBe(false);
      }
    }
  });

  it('logs the Host and Accept-Version headers a client sent without the secrets in them', async () => {
    const client = rawRequest(
      server.url,
      `GET /healthz HTTP/1.1\r\nhost: ${github.secret}\r\naccept-version: ${card.context}\r\nconnection: close\r\n\r\n`,
    );
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    const logged = lines.filter((line) => line.includes('"url":"/healthz"')).join('\n');
    expect(logged).toContain('incoming request');
    expect(logged).toContain('[REDACTED:github_token]');
    expect(logged).not.toContain(github.secret);
    expect(logged).not.toContain(card.secret);
  });

  it('serializes errors bounded and redacted, causes and own fields included', () => {
    const cause = new Error(`connect to ${sample('PostgreSQL URL password').context}`);
    const error = Object.assign(new Error(`token ${github.secret}`, { cause }), {
      detail: 'x'.repeat(100_000),
      password: 'hunter2-secret',
    });
    const logged = JSON.stringify(REDACTING_SERIALIZERS.err(error));
    expect(logged).not.toContain(github.secret);
    expect(logged).not.toContain(sample('PostgreSQL URL password').secret);
    expect(logged).not.toContain('hunter2-secret');
    expect(logged).toContain('[REDACTED:github_token]');
    expect(logged.length).toBeLessThan(70_000);
  });
});
