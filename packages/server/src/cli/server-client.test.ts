import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callServer } from './server-client.js';

describe('callServer', () => {
  it('refuses a --url with a user or password, without printing the password', async () => {
    const answer = callServer({ url: 'http://arc:s3cret@127.0.0.1:9', key: 'k' }, 'GET', '/v1/patterns');
    await expect(answer).rejects.toThrow(/^--url must not hold a user or password/);
    await expect(answer).rejects.not.toThrow(/s3cret/);
  });

  it('names --url when it is not an http(s) URL', async () => {
    await expect(callServer({ url: 'localhost:4317', key: 'k' }, 'GET', '/v1/patterns')).rejects.toThrow(
      '--url localhost:4317 is not an http(s) URL (expected e.g. http://127.0.0.1:4317)',
    );
  });

  describe('against a server that is not Arc', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Answers by path: a page that is not JSON, and a 400 whose details are not a list.
      server = createServer((request, response) => {
        if (request.url === '/html') {
          response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>');
        } else {
          response
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: 'Bad request', details: { path: '/x' } }));
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('says so when a success is not a JSON object, instead of failing on what it lacks', async () => {
      await expect(callServer({ url, key: 'k' }, 'GET', '/html')).rejects.toThrow(
        `the server at ${url} answered 200 without a JSON object: is --url an Arc server?`,
      );
    });

    it("gives the server's error when its details are not a list", async () => {
      await expect(callServer({ url, key: 'k' }, 'GET', '/bad')).rejects.toThrow(/^Bad request$/);
    });
  });
});
