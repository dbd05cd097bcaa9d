import { describe, expect, it } from 'vitest';
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
});
