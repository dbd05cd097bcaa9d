import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learningResult, seedApprovals } from '../routes/learning-seed.fixture.js';
import { openTestStorages } from '../storage/test-databases.js';
import { notifyApprovers } from './approval-webhook.js';

describe('approval webhook', () => {
  let server: Server;
  let url: string;
  const posts: { headers: Record<string, unknown>; body: unknown }[] = [];
  let status = 204;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      req.on('end', () => {
        posts.push({ headers: req.headers, body: JSON.parse(text) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/arc`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the pending approvals of a step, and nothing when there are none', async () => {
    const [backend] = openTestStorages();
    const storage = await backend!.open();
    try {
      const { id } = await storage.ensureProject('hooked');
      const { approvals } = await seedApprovals(
        storage,
        id,
        [
          { result: learningResult({ risk: 'medium' }) },
          { result: learningResult({ candidateId: 'fix_auto' }), autoApproveAt: 0.1 },
        ],
        Date.UTC(2025, 0, 1),
      );
      await notifyApprovers(url, id, approvals);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.headers['content-type']).toBe('application/json');
      expect(posts[0]!.body).toEqual({
        type: 'approvals.pending',
        projectId: id,
        approvals: [
          {
            id: approvals[0]!.id,
            patternId: 'p-timeout',
            function: 'search',
            fixType: 'retry_policy',
            risk: 'medium',
            source: 'learner',
            proposedBy: null,
            confidence: 0.97,
            improvement: 0.6,
            impact: approvals[0]!.impact,
            createdAt: '2025-01-01T00:00:00.000Z',
          },
        ],
      });
      await notifyApprovers(url, id, approvals.slice(1));
      expect(posts).toHaveLength(1);
      status = 500;
      await expect(notifyApprovers(url, id, approvals)).rejects.toThrow(/answered HTTP 500/);
    } finally {
      await backend!.cleanup();
    }
  });
});
