import { describe, expect, it } from 'vitest';
import type { StreamMessage } from './api-types.js';
import { addToFeed, FEED_LENGTH, feedEntry, MAX_FEED_TEXT } from './feed-entry.js';

const created = (id: number, normalizedMessage: string, patternId = 'p'): StreamMessage => ({
  id,
  type: 'pattern.created',
  data: { patternId, function: 'search', normalizedMessage },
  receivedAt: 5,
});

describe('feedEntry', () => {
  it('keeps the summary, not the data', () => {
    expect(feedEntry(created(1, 'user <int> missing'))).toEqual({
      id: 1,
      type: 'pattern.created',
      receivedAt: 5,
      summary: {
        title: 'New pattern',
        detail: 'search: user <int> missing',
        tone: 'failure',
        patternId: 'p',
      },
    });
  });

  it('cuts a long detail to MAX_FEED_TEXT characters, and drops a pattern id no server made', () => {
    const { summary } = feedEntry(created(1, 'x'.repeat(1_000_000), 'p'.repeat(101)));
    expect(summary.detail).toHaveLength(MAX_FEED_TEXT);
    expect(summary.detail).toBe(`search: ${'x'.repeat(MAX_FEED_TEXT - 'search: '.length - 1)}…`);
    expect(summary.patternId).toBeUndefined();
  });
});

describe('addToFeed', () => {
  it('keeps the newest FEED_LENGTH entries, newest first, each of bounded size', () => {
    let feed = addToFeed([], created(0, 'first'));
    for (let id = 1; id <= FEED_LENGTH + 50; id++) feed = addToFeed(feed, created(id, 'x'.repeat(100_000)));
    expect(feed).toHaveLength(FEED_LENGTH);
    expect(feed[0]?.id).toBe(FEED_LENGTH + 50);
    expect(feed.at(-1)?.id).toBe(51);
    expect(JSON.stringify(feed).length).toBeLessThan(FEED_LENGTH * (MAX_FEED_TEXT + 200));
  });
});
