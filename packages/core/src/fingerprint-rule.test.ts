import { describe, expect, it } from 'vitest';
import { type FingerprintRule, firstRuleSetting, ruleMatches } from './fingerprint-rule.js';

const facts = {
  function: 'searchWeb',
  errorType: 'HTTPError',
  message: 'upstream returned 503 for /search',
  status: 503,
  code: 'ERR_BAD_RESPONSE',
};

describe('ruleMatches', () => {
  it.each<[FingerprintRule['match'], boolean]>([
    [{}, true],
    [{ function: 'searchWeb' }, true],
    [{ function: 'search' }, false],
    [{ function: /^search/ }, true],
    [{ errorType: 'HTTPError', status: 503 }, true],
    [{ errorType: 'HTTPError', status: 502 }, false],
    [{ message: 'returned 503' }, true],
    [{ message: 'Returned 503' }, false],
    [{ message: /returned 5\d\d/ }, true],
    [{ code: 'ERR_BAD_RESPONSE' }, true],
    [{ code: 'ERR_BAD' }, false],
    [{ function: 'searchWeb', message: 'nope' }, false],
  ])('%o -> %s', (match, expected) => {
    expect(ruleMatches({ match, category: 'network' }, facts)).toBe(expected);
  });

  it('does not hold a matcher on a field the failure lacks', () => {
    expect(ruleMatches({ match: { code: 'X' } }, { function: 'f' })).toBe(false);
    expect(ruleMatches({ match: { status: 500 } }, { function: 'f' })).toBe(false);
  });

  it('is not made stateful by a global regex', () => {
    const rule = { match: { message: /503/g } };
    expect([1, 2, 3].map(() => ruleMatches(rule, facts))).toEqual([true, true, true]);
  });
});

describe('firstRuleSetting', () => {
  it('decides each field by the first matching rule that sets it', () => {
    const rules: FingerprintRule[] = [
      { match: { function: 'other' }, category: 'timeout', fingerprint: ['other'] },
      { match: { status: 503 }, fingerprint: ['search-outage'] },
      { match: { errorType: 'HTTPError' }, category: 'network', fingerprint: ['http'] },
    ];
    expect(firstRuleSetting(rules, facts, 'fingerprint')?.fingerprint).toEqual(['search-outage']);
    expect(firstRuleSetting(rules, facts, 'category')?.category).toBe('network');
    expect(firstRuleSetting(rules.slice(0, 2), facts, 'category')).toBeUndefined();
  });
});
