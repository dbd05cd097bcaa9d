// The live stream's state for components: its connection status and the latest messages.

import { useEffect, useState } from 'preact/hooks';
import type { FeedEntry } from '../src/feed-entry.js';
import { useApp } from './app-context.js';
import type { LiveStatus, LiveStream } from './live-stream.js';

export function useLiveStatus(live: LiveStream): LiveStatus {
  const [status, setStatus] = useState(live.status);
  useEffect(() => {
    setStatus(live.status);
    return live.onStatus(setStatus);
  }, [live]);
  return status;
}

/** The newest `limit` feed entries, newest first, updated as messages arrive. */
export function useFeed(limit: number): readonly FeedEntry[] {
  const { live } = useApp();
  const [messages, setMessages] = useState(() => live.recent.slice(0, limit));
  useEffect(() => {
    setMessages(live.recent.slice(0, limit));
    return live.subscribe(() => setMessages(live.recent.slice(0, limit)));
  }, [live, limit]);
  return messages;
}
