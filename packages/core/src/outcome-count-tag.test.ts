import { describe, expect, it } from 'vitest';
import { COUNT_TAG, isAggregateOutcome, outcomeCount } from './outcome-count-tag.js';

describe('outcomeCount', () => {
  it('reads the count of an aggregate event', () => {
    expect(outcomeCount({ [COUNT_TAG]: '7' })).toBe(7);
    expect(isAggregateOutcome({ [COUNT_TAG]: '7' })).toBe(true);
  });

  it('counts a plain event, or a malformed tag, as one call', () => {
    expect(outcomeCount(undefined)).toBe(1);
    expect(outcomeCount({ env: 'prod' })).toBe(1);
    for (const bad of ['0', '-3', '1.5', 'x', '', '99999999999'])
      expect(outcomeCount({ [COUNT_TAG]: bad })).toBe(1);
    expect(isAggregateOutcome({ env: 'prod' })).toBe(false);
  });
});
