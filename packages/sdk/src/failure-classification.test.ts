import { describe, expect, it } from 'vitest';
import type { ArcEvent } from './arc-event.js';
import { classifyFailure } from './failure-classification.js';

function failure(message: string, extra: Partial<NonNullable<ArcEvent['error']>> = {}): ArcEvent {
  return {
    id: 'e',
    kind: 'failure',
    function: 'user.lookup',
    timestamp: 0,
    error: { type: 'Error', message, ...extra },
  };
}

describe('classifyFailure', () => {
  it('groups failures that differ only in volatile parts, as the server does', () => {
    const a = classifyFailure(failure('user 4411 not found (req 9f1c2d3e4b5a6978)'));
    const b = classifyFailure(failure('user 17 not found (req 0a2b3c4d5e6f7081)'));
    expect(a.patternId).toMatch(/^pat_[0-9a-f]{16}$/);
    expect(b.patternId).toBe(a.patternId);
    expect(classifyFailure(failure('quota exceeded')).patternId).not.toBe(a.patternId);
  });

  it('reads the category and status the retry policies match on', () => {
    expect(classifyFailure(failure('Too Many Requests', { status: 429 }))).toMatchObject({
      category: 'rate_limit',
      status: 429,
    });
    expect(classifyFailure(failure('connect failed', { code: 'ECONNREFUSED' })).category).toBe('network');
    expect(classifyFailure(failure('x')).status).toBeUndefined();
  });
});
