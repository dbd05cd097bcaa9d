import { describe, expect, it } from 'vitest';
import { canaryArm } from './canary-assignment.js';

describe('canaryArm', () => {
  it('is deterministic per fix and call key', () => {
    for (let i = 0; i < 100; i++) {
      expect(canaryArm('fx_1', `user-${i}`, 0.3)).toBe(canaryArm('fx_1', `user-${i}`, 0.3));
    }
  });

  it('puts close to the share of many keys in treatment', () => {
    for (const share of [0.05, 0.25, 0.5, 0.9]) {
      const n = 20_000;
      let treated = 0;
      for (let i = 0; i < n; i++) if (canaryArm('fx_share', `call-${i}`, share) === 'treatment') treated++;
      // Binomial standard deviation is at most 0.0036 here; 4.5 sigma keeps the test from flaking.
      expect(Math.abs(treated / n - share)).toBeLessThan(0.016);
    }
  });

  it('assigns independently across fixes and keeps arms nested as the share grows', () => {
    let agree = 0;
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      const key = `k${i}`;
      if (canaryArm('fx_a', key, 0.5) === canaryArm('fx_b', key, 0.5)) agree++;
      // Raising a canary's share only moves calls from control to treatment.
      if (canaryArm('fx_a', key, 0.2) === 'treatment') expect(canaryArm('fx_a', key, 0.6)).toBe('treatment');
    }
    expect(Math.abs(agree / n - 0.5)).toBeLessThan(0.03);
  });

  it('treats shares of 0 and 1 as all control and all treatment', () => {
    expect(canaryArm('fx', 'k', 0)).toBe('control');
    expect(canaryArm('fx', 'k', 1)).toBe('treatment');
  });
});
