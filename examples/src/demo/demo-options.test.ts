import { describe, expect, it } from 'vitest';
import { DemoOptionError, resolveDemoOptions } from './demo-options.js';

describe('resolveDemoOptions', () => {
  it('keeps each of the three curricula as asked, SEC by default', () => {
    expect(resolveDemoOptions().curriculum).toBe('sec');
    for (const curriculum of ['sec', 'random', 'uniform'] as const)
      expect(resolveDemoOptions({ curriculum }).curriculum).toBe(curriculum);
    expect(() => resolveDemoOptions({ curriculum: 'greedy' as never })).toThrow(/--curriculum/);
  });

  it('scores the held-out set after each step only when asked to', () => {
    expect(resolveDemoOptions().evaluateEachStep).toBe(false);
    expect(resolveDemoOptions({ evaluateEachStep: true }).evaluateEachStep).toBe(true);
    const bad = () => resolveDemoOptions({ evaluateEachStep: 'yes' as never });
    expect(bad).toThrow(DemoOptionError);
    expect(bad).toThrow(/^evaluateEachStep must be true or false$/);
  });
});
