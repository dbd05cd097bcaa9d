import { describe, expect, it } from 'vitest';
import type { Deployment } from './api-types.js';
import { armFigures, canaryFigures } from './canary-figures.js';

describe('canary figures', () => {
  it('gives rates per arm, null before any call', () => {
    expect(armFigures({ trials: 0, failures: 0, patternFailures: 0 })).toEqual({
      calls: 0,
      failureRate: null,
      patternFailureRate: null,
    });
    expect(armFigures({ trials: 200, failures: 30, patternFailures: 10 })).toEqual({
      calls: 200,
      failureRate: 0.15,
      patternFailureRate: 0.05,
    });
  });

  it('gives the treatment-minus-control change once both arms have calls', () => {
    const base = { treatment: { trials: 100, failures: 5, patternFailures: 1 } } as Deployment;
    const figures = canaryFigures({ ...base, control: { trials: 900, failures: 180, patternFailures: 90 } });
    expect(figures.failureRateChange).toBeCloseTo(0.05 - 0.2, 12);
    expect(figures.patternFailureRateChange).toBeCloseTo(0.01 - 0.1, 12);
    expect(
      canaryFigures({ ...base, control: { trials: 0, failures: 0, patternFailures: 0 } }).failureRateChange,
    ).toBeNull();
  });
});
