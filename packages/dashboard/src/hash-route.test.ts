import { describe, expect, it } from 'vitest';
import { parseHash, type Route, routeHref } from './hash-route.js';

describe('hash routes', () => {
  it('parses every page', () => {
    expect(parseHash('')).toEqual({ page: 'overview' });
    expect(parseHash('#/')).toEqual({ page: 'overview' });
    expect(parseHash('#/curriculum')).toEqual({ page: 'curriculum' });
    expect(parseHash('#/approvals/')).toEqual({ page: 'approvals' });
    expect(parseHash('#/patterns?category=timeout&function=search&search=user')).toEqual({
      page: 'patterns',
      filters: { category: 'timeout', function: 'search', search: 'user' },
    });
    expect(parseHash('#/patterns/p%2F1')).toEqual({ page: 'pattern', id: 'p/1' });
    expect(parseHash('#/nope')).toEqual({ page: 'not-found', path: 'nope' });
  });

  it('drops unknown categories and undecodable ids', () => {
    expect(parseHash('#/patterns?category=bogus')).toEqual({ page: 'patterns', filters: {} });
    expect(parseHash('#/patterns?category=wrong_answer')).toEqual({
      page: 'patterns',
      filters: { category: 'wrong_answer' },
    });
    expect(parseHash('#/patterns/%E0%A4%A')).toEqual({ page: 'not-found', path: 'patterns/%E0%A4%A' });
  });

  it('writes hrefs that parse back to the same route', () => {
    const routes: Route[] = [
      { page: 'overview' },
      { page: 'live' },
      { page: 'deployments' },
      { page: 'patterns', filters: {} },
      { page: 'patterns', filters: { search: 'a b&c', category: 'rate_limit', function: 'f?x' } },
      { page: 'pattern', id: 'abc/def?#' },
    ];
    for (const route of routes) expect(parseHash(routeHref(route))).toEqual(route);
  });
});
