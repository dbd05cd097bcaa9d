import { describe, expect, it } from 'vitest';
import { RecentCalls, type ReturnedCall } from './recent-calls.js';

const call = (name?: string, output: unknown = name): ReturnedCall => ({
  name,
  seq: 0,
  function: 'f',
  input: [name],
  output,
  tags: {},
  fixIds: [],
  startedAt: 0,
  sampled: false,
});

describe('RecentCalls', () => {
  it('keeps the latest calls up to its capacity and forgets the oldest first', () => {
    const calls = new RecentCalls(2);
    const [a, b, c] = [call(), call(), call()];
    for (const x of [a, b, c]) calls.remember(x);
    const ids = [a, b, c].map((x) => calls.idOf(x));
    expect(new Set(ids).size).toBe(3);
    expect(calls.take(ids[0]!)).toBeUndefined();
    expect(calls.take(ids[1]!)).toBe(b);
    expect(calls.take(ids[2]!)).toBe(c);
  });

  it('finds named calls by their name, the latest one a reused name names', () => {
    const calls = new RecentCalls(3);
    const first = call('req-1', 1);
    calls.remember(first);
    calls.remember(call('req-2'));
    const again = call('req-1', 2);
    calls.remember(again);
    expect(calls.idOf(again)).toBe('req-1');
    calls.remember(call()); // takes first's place in the ring; req-1 still names `again`
    expect(calls.take('req-1')).toBe(again);
    expect(calls.take('req-1')).toBeUndefined();
    expect(calls.take('req-2')?.output).toBe('req-2');
  });

  it('gives each call up once, and finds nothing for ids it never gave', () => {
    const calls = new RecentCalls(4);
    const a = call();
    calls.remember(a);
    const id = calls.idOf(a);
    expect(calls.take(id)).toBe(a);
    expect(calls.take(id)).toBeUndefined();
    for (const bogus of ['', 'x', `${id.slice(0, -1)}!`, `${id}0`, `${id.slice(0, -1)}zzzzzzzzzzzz`]) {
      expect(calls.take(bogus)).toBeUndefined();
    }
    // Another client's generated ids are not this one's.
    const other = new RecentCalls(4);
    const b = call();
    other.remember(b);
    expect(calls.take(other.idOf(b))).toBeUndefined();
  });

  it('numbers but keeps nothing at capacity 0', () => {
    const calls = new RecentCalls(0);
    const a = call();
    calls.remember(a);
    expect(a.seq).toBe(1);
    expect(calls.take(calls.idOf(a))).toBeUndefined();
    const named = call('n');
    calls.remember(named);
    expect(calls.take('n')).toBeUndefined();
  });
});
