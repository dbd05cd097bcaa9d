import { afterEach, describe, expect, it } from 'vitest';
import { readBoundedBody, readBoundedJson, readBoundedText } from './bounded-body.js';

const unaborted = new AbortController().signal;

import {
  type HugeAnswer,
  startTestServer,
  type TestServer,
  writeHugeAnswer,
} from './http-test-server.fixture.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serving(answer: Parameters<typeof startTestServer>[0]) {
  server = await startTestServer(answer);
  return server.url;
}

describe('readBoundedBody', () => {
  it('reads a body within the bound whole', async () => {
    const url = await serving((_req, res) => res.end('{"fixes":[]}'));
    const body = await readBoundedBody(await fetch(url), 12, unaborted);
    expect(body.complete).toBe(true);
    expect(new TextDecoder().decode(body.bytes)).toBe('{"fixes":[]}');
    expect(await readBoundedJson(await fetch(url), 100, unaborted)).toEqual({
      ok: true,
      value: { fixes: [] },
    });
  });

  it('stops at the bound and hangs up on a 64 MB body: the server never gets to write it all', async () => {
    const answers: HugeAnswer[] = [];
    const url = await serving((_req, res) =>
      answers.push(writeHugeAnswer(res, 500, 'error: ', 64 * 1024 * 1024)),
    );
    const body = await readBoundedBody(await fetch(url), 1000, unaborted);
    expect(body).toMatchObject({ complete: false });
    expect(body.bytes.byteLength).toBe(1000);
    expect(new TextDecoder().decode(body.bytes.subarray(0, 8))).toBe('error: x');
    await answers[0]!.closed;
    expect(answers[0]!.finished).toBe(false);
    expect(answers[0]!.written).toBeLessThan(64 * 1024 * 1024);

    expect(await readBoundedText(await fetch(url), 10, unaborted)).toBe('error: xxx');
    expect(await readBoundedJson(await fetch(url), 1000, unaborted)).toEqual({
      ok: false,
      tooLarge: true,
      error: 'the answer is larger than 1000 bytes',
    });
  });

  it('reads nothing of a body whose Content-Length is past the bound', async () => {
    let closed: Promise<void> | undefined;
    const url = await serving((_req, res) => {
      closed = new Promise((resolve) => res.on('close', () => resolve()));
      res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
      // The rest never comes: only hanging up ends this answer.
      res.write('x'.repeat(100));
    });
    const body = await readBoundedBody(await fetch(url), 1000, unaborted);
    expect(body).toEqual({ bytes: new Uint8Array(0), complete: false });
    await closed;
  });

  it('says when a body within the bound is not JSON', async () => {
    const url = await serving((_req, res) => res.end('<html>'));
    expect(await readBoundedJson(await fetch(url), 100, unaborted)).toEqual({
      ok: false,
      tooLarge: false,
      error: 'the answer is not JSON',
    });
  });
});
