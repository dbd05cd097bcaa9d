// The live stream's state for components: its connection status and the latest messages.

import { useEffect, useState } from 'preact/hooks';
import type { StreamMessage } from '../src/api-types.js';
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

/** The newest `limit` messages, newest first, updated as they arrive. */
export function useFeed(limit: number): readonly StreamMessage[] {
  const { live } = useApp();
  const [messages, setMessages] = useState(() => live.recent.slice(0, limit));
  useEffect(() => {
    setMessages(live.recent.slice(0, limit));
    return live.subscribe(() => setMessages(live.recent.slice(0, limit)));
  }, [live, limit]);
  return messages;
}
