import { describe, expect, it } from 'vitest';
import type { StreamMessage } from './api-types.js';
import { summarizeEvent } from './stream-summary.js';

const message = (type: string, data: unknown): StreamMessage => ({ id: 1, type, data, receivedAt: 0 });

describe('summarizeEvent', () => {
  it('describes ingest and new patterns', () => {
    expect(
      summarizeEvent(
        message('failures.ingested', {
          failures: 4,
          patterns: [
            { id: 'a', category: 'rate_limit', count: 1 },
            { id: 'b', category: 'timeout', count: 2 },
            { id: 'c', category: 'rate_limit', count: 1 },
          ],
        }),
      ),
    ).toEqual({
      title: '4 failures ingested',
      detail: 'across 3 patterns: rate limit 2, timeout 2',
      tone: 'failure',
    });
    expect(
      summarizeEvent(
        message('pattern.created', {
          patternId: 'p',
          function: 'search',
          normalizedMessage: 'user <int> missing',
        }),
      ),
    ).toEqual({
      title: 'New pattern',
      detail: 'search: user <int> missing',
      tone: 'failure',
      patternId: 'p',
    });
  });

  it('counts wrong answers from verdicts like any failure', () => {
    expect(
      summarizeEvent(
        message('failures.ingested', {
          failures: 3,
          patterns: [
            { id: 'w', category: 'wrong_answer', count: 2 },
            { id: 't', category: 'timeout', count: 1 },
          ],
        }),
      ),
    ).toEqual({
      title: '3 failures ingested',
      detail: 'across 2 patterns: wrong answer 2, timeout 1',
      tone: 'failure',
    });
  });

  it('describes the learning loop', () => {
    expect(
      summarizeEvent(message('learner.step', { step: 4, rollouts: 32, completed: 30, synced: true })),
    ).toMatchObject({
      title: 'Learning step 4',
      detail: '30 of 32 rollouts, synced to agents',
    });
    const approval = {
      status: 'approved',
      decidedBy: 'arc',
      result: { function: 'f', improvement: 0.25, patternId: 'p' },
    };
    expect(summarizeEvent(message('approval.approved', approval))).toEqual({
      title: 'Fix approved automatically',
      detail: 'f: +25.0 pp',
      tone: 'good',
      patternId: 'p',
    });
    expect(
      summarizeEvent(message('approval.denied', { ...approval, status: 'denied', decidedBy: 'ops' })).title,
    ).toBe('Fix denied by ops');
    expect(
      summarizeEvent(message('approval.created', { ...approval, status: 'pending', decidedBy: null })).title,
    ).toBe('Approval requested');
    const proposal = {
      status: 'pending',
      decidedBy: null,
      result: { function: 'f', improvement: 0, source: 'person', proposedBy: 'ops' },
    };
    expect(summarizeEvent(message('approval.created', proposal))).toMatchObject({
      title: 'Fix proposed by ops',
      detail: 'f: not measured',
    });
    expect(
      summarizeEvent(
        message('deployment.created', {
          function: 'f',
          canaryShare: 0.1,
          fixId: 'fix_abcdef',
          patternId: 'p',
        }),
      ),
    ).toMatchObject({ title: 'Canary started', detail: 'f at 10% of calls (fix_abcdef)' });
    expect(summarizeEvent(message('deployment.rolled_back', { reason: 'rolled back by ops' }))).toMatchObject(
      {
        title: 'Fix rolled back',
        detail: 'rolled back by ops',
        tone: 'bad',
      },
    );
  });

  it('survives data of the wrong shape', () => {
    expect(summarizeEvent(message('learner.step', null)).title).toBe('Learning step 0');
    expect(summarizeEvent(message('something.else', 5))).toEqual({
      title: 'something.else',
      detail: '',
      tone: 'neutral',
    });
  });
});
