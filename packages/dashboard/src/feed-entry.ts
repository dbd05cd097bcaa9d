// What the live feed keeps of a stream message: its one-line summary, not its data. A message's
// data has no size of its own (failures.ingested lists every pattern of an ingest batch), so the
// feed keeps a bounded count of entries of bounded size, whatever the server sends.

import type { StreamMessage } from './api-types.js';
import { type EventSummary, summarizeEvent } from './stream-summary.js';

/** Entries the feed keeps, newest first. */
export const FEED_LENGTH = 200;
/** Characters kept of an entry's title and of its detail; longer ones end in "…". */
export const MAX_FEED_TEXT = 300;
/** A pattern id longer than this is not one the server made: the entry gets no link. */
const MAX_PATTERN_ID = 100;

export interface FeedEntry {
  id: number;
  type: string;
  receivedAt: number;
  summary: EventSummary;
}

const cut = (text: string): string =>
  text.length <= MAX_FEED_TEXT ? text : `${text.slice(0, MAX_FEED_TEXT - 1)}…`;

export function feedEntry(message: StreamMessage): FeedEntry {
  const { title, detail, tone, patternId } = summarizeEvent(message);
  const summary: EventSummary = { title: cut(title), detail: cut(detail), tone };
  if (patternId !== undefined && patternId.length <= MAX_PATTERN_ID) summary.patternId = patternId;
  return { id: message.id, type: message.type, receivedAt: message.receivedAt, summary };
}

/** The feed with `message` added first, at most FEED_LENGTH entries. */
export function addToFeed(feed: readonly FeedEntry[], message: StreamMessage): FeedEntry[] {
  return [feedEntry(message), ...feed.slice(0, FEED_LENGTH - 1)];
}
