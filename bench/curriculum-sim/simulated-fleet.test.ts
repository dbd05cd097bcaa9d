import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET_PARAMS, MIXES, patternCountOf, simulatedFleet } from './simulated-fleet.js';

describe('simulatedFleet', () => {
  const params = { ...DEFAULT_FLEET_PARAMS, patterns: 120 };

  it('has the mix of kinds asked for, Zipf traffic summing to the fleet rate, and working calls per function', () => {
    for (const mix of MIXES) {
      const fleet = simulatedFleet(7, mix, params);
      const count = (kind: string) => fleet.patterns.filter((p) => p.kind === kind).length;
      expect(count('hopeless')).toBe(Math.round(mix.hopeless * 120));
      expect(count('solved')).toBe(Math.round(mix.solved * 120));
      expect(count('learnable')).toBe(120 - count('hopeless') - count('solved'));
      const total = fleet.patterns.reduce((s, p) => s + p.failuresPerStep, 0);
      expect(total).toBeCloseTo(DEFAULT_FLEET_PARAMS.failuresPerStep, 9);
      // Rank r fails in proportion to 1 / r.
      expect(fleet.patterns[0]!.failuresPerStep / fleet.patterns[9]!.failuresPerStep).toBeCloseTo(10, 9);
      expect(fleet.functions).toHaveLength(15);
      for (const f of fleet.functions) {
        const failing = fleet.patterns
          .filter((p) => p.function === f.name)
          .reduce((s, p) => s + p.failuresPerStep, 0);
        // 5 % to 30 % of the function's calls fail.
        if (failing > 0) expect(failing / (failing + f.workingCallsPerStep)).toBeGreaterThanOrEqual(0.05);
        if (failing > 0) expect(failing / (failing + f.workingCallsPerStep)).toBeLessThanOrEqual(0.3);
      }
    }
  });

  it('gives learnable patterns a good candidate among bad ones, and the others none that helps', () => {
    const fleet = simulatedFleet(7, MIXES[0]!, params);
    for (const p of fleet.patterns) {
      expect(p.candidates.length).toBeGreaterThanOrEqual(3);
      expect(p.candidates.length).toBeLessThanOrEqual(6);
      const good = p.candidates.filter((c) => c.effect >= 0.5).length;
      if (p.kind === 'learnable') {
        expect(good).toBeGreaterThanOrEqual(1);
        expect(good).toBeLessThanOrEqual(2);
        expect(p.candidates.every((c) => c.effect >= 0.5 || c.effect <= 0.3)).toBe(true);
      } else expect(p.candidates.every((c) => c.effect === 0)).toBe(true);
      if (p.kind === 'solved') expect(p.transient).toBeGreaterThanOrEqual(0.8);
      else expect(p.transient).toBeLessThanOrEqual(0.2);
    }
  });

  it('is the same fleet for the same seed, and has 50 to 500 patterns per seed', () => {
    expect(simulatedFleet(3, MIXES[1]!, params)).toEqual(simulatedFleet(3, MIXES[1]!, params));
    const sizes = Array.from({ length: 200 }, (_, i) => patternCountOf(i));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
    expect(new Set(sizes).size).toBeGreaterThan(100);
  });
});
