import { describe, expect, it } from 'vitest';
import { RecentCalls, type ReturnedCall } from './recent-calls.js';

const call = (callId: string, output: unknown = callId): ReturnedCall => ({
  callId,
  function: 'f',
  input: [callId],
  output,
  tags: {},
  fixIds: [],
  startedAt: 0,
  sampled: false,
});

describe('RecentCalls', () => {
  it('keeps the latest calls up to its capacity and forgets the oldest first', () => {
    const calls = new RecentCalls(2);
    calls.remember(call('a'));
    calls.remember(call('b'));
    calls.remember(call('c'));
    expect(calls.size).toBe(2);
    expect(calls.take('a')).toBeUndefined();
    expect(calls.take('b')?.callId).toBe('b');
    expect(calls.take('c')?.callId).toBe('c');
  });

  it('gives a call up once, and a reused id names its latest call, kept as young', () => {
    const calls = new RecentCalls(2);
    calls.remember(call('a', 1));
    calls.remember(call('b'));
    calls.remember(call('a', 2));
    calls.remember(call('c'));
    expect(calls.take('b')).toBeUndefined();
    expect(calls.take('a')?.output).toBe(2);
    expect(calls.take('a')).toBeUndefined();
  });

  it('keeps nothing at capacity 0', () => {
    const calls = new RecentCalls(0);
    calls.remember(call('a'));
    expect(calls.size).toBe(0);
    expect(calls.take('a')).toBeUndefined();
  });
});
