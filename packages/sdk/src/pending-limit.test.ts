import { describe, expect, it } from 'vitest';
import { PendingLimit } from './pending-limit.js';

describe('PendingLimit', () => {
  it('is full while max runs wait, and has room again once one settles, fulfilled or rejected', async () => {
    const limit = new PendingLimit(2);
    let resolve: (value: number) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const first = limit.wait(new Promise<number>((r) => (resolve = r)));
    const second = limit.wait(new Promise<number>((_, r) => (reject = r)));
    expect(limit.full).toBe(true);
    resolve(7);
    await expect(first).resolves.toBe(7);
    expect(limit.full).toBe(false);
    limit.wait(new Promise(() => undefined));
    expect(limit.full).toBe(true);
    reject(new Error('no'));
    await expect(second).rejects.toThrow('no');
    expect(limit.full).toBe(false);
  });

  it('past the bound admits a hook that always answered at once, not one that once answered later', () => {
    const limit = new PendingLimit(1);
    const now = () => true;
    const later = async () => true;
    limit.answeredLater(later);
    expect([limit.admits(now), limit.admits(later)]).toEqual([true, true]);
    limit.wait(new Promise(() => undefined));
    expect([limit.admits(now), limit.admits(later)]).toEqual([true, false]);
  });
});
