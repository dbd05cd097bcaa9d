import { describe, expect, it } from 'vitest';
import { CANARY_ATTEMPT_TAG, standsForCall } from './canary-call-tags.js';

describe('standsForCall', () => {
  it("counts a marked event exactly when it is its call's final attempt", () => {
    expect(standsForCall({ [CANARY_ATTEMPT_TAG]: 'final' }, 1)).toBe(true);
    expect(standsForCall({ [CANARY_ATTEMPT_TAG]: 'final' }, 3)).toBe(true);
    expect(standsForCall({ [CANARY_ATTEMPT_TAG]: 'retried' }, 1)).toBe(false);
    expect(standsForCall({ [CANARY_ATTEMPT_TAG]: 'garbled' }, 1)).toBe(false);
  });

  it('counts only the first attempt of an unmarked event (SDKs from before the mark)', () => {
    expect(standsForCall({}, 1)).toBe(true);
    expect(standsForCall({}, null)).toBe(true);
    expect(standsForCall({}, undefined)).toBe(true);
    expect(standsForCall({}, 2)).toBe(false);
  });
});
