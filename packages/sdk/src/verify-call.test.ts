import { describe, expect, it } from 'vitest';
import { runVerify } from './verify-call.js';

describe('runVerify', () => {
  it('reads what verify answers, sync or async, as a verdict', async () => {
    expect(await runVerify(() => true, 1000)).toEqual({ ok: true, verdict: { score: 1 } });
    expect(await runVerify(async () => ({ score: 0.25, label: 'unit' }), 1000)).toEqual({
      ok: true,
      verdict: { score: 0.25, label: 'unit' },
    });
  });

  it('turns a throw, a rejection, a hang and a non-verdict into a failure that says which', async () => {
    expect(
      await runVerify(() => {
        throw new TypeError('bug');
      }, 1000),
    ).toEqual({ ok: false, reason: 'threw', error: 'verify threw TypeError: bug' });
    expect(await runVerify(() => Promise.reject('no'), 1000)).toEqual({
      ok: false,
      reason: 'threw',
      error: 'verify rejected with no',
    });
    expect(await runVerify(() => new Promise(() => undefined), 20)).toEqual({
      ok: false,
      reason: 'timed_out',
      error: 'verify took longer than 20 ms',
    });
    expect(await runVerify(() => 'great', 1000)).toEqual({
      ok: false,
      reason: 'not_a_verdict',
      error: 'verify returned no verdict: expected a score in [0, 1], a boolean or { score }, got string',
    });
  });

  it('reads no verdict from a value whose fields throw, and describes an error that cannot be read', async () => {
    const hostile = {
      get score(): number {
        throw new Error('trap');
      },
    };
    expect(await runVerify(() => hostile, 1000)).toEqual({
      ok: false,
      reason: 'not_a_verdict',
      error: 'verify returned no verdict: Error: trap',
    });
    const unreadable = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(
      await runVerify(() => {
        throw unreadable;
      }, 1000),
    ).toEqual({ ok: false, reason: 'threw', error: 'verify threw a value that cannot be read' });
  });
});
