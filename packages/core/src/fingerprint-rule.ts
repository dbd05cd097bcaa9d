import type { Category } from './failure-category.js';

/** What a rule and the built-in categoriser look at in a failure. */
export type FailureFacts = {
  function?: string;
  errorType?: string;
  message?: string;
  status?: number;
  code?: string;
};

/**
 * A user rule, Sentry's "matcher -> fingerprint" idea: when every given matcher holds, the rule may
 * set the category and/or replace the grouping with a fixed fingerprint. Strings match `function`,
 * `errorType` and `code` exactly and `message` as a substring (of the raw message); a RegExp is
 * searched; `status` is compared. A matcher on a field the failure lacks does not hold.
 */
export type FingerprintRule = {
  match: {
    function?: string | RegExp;
    errorType?: string | RegExp;
    message?: string | RegExp;
    status?: number;
    code?: string;
  };
  category?: Category;
  fingerprint?: string[];
};

function holds(pattern: string | RegExp | undefined, value: string | undefined, substring: boolean): boolean {
  if (pattern === undefined) return true;
  if (value === undefined) return false;
  // `search` ignores `lastIndex`, so a user's /g or /y regex cannot make matching stateful.
  if (pattern instanceof RegExp) return value.search(pattern) !== -1;
  return substring ? value.includes(pattern) : value === pattern;
}

export function ruleMatches(rule: FingerprintRule, facts: FailureFacts): boolean {
  const m = rule.match;
  return (
    holds(m.function, facts.function, false) &&
    holds(m.errorType, facts.errorType, false) &&
    holds(m.message, facts.message, true) &&
    holds(m.code, facts.code, false) &&
    (m.status === undefined || m.status === facts.status)
  );
}

/**
 * The first rule, in order, that matches and sets `field`. Each field is decided on its own, so one
 * rule can set the category of a family of failures while a later, narrower one regroups them.
 */
export function firstRuleSetting(
  rules: readonly FingerprintRule[],
  facts: FailureFacts,
  field: 'category' | 'fingerprint',
): FingerprintRule | undefined {
  return rules.find((rule) => rule[field] !== undefined && ruleMatches(rule, facts));
}
