// The dashboard's pages as hash routes (#/patterns?category=timeout), so any view can be linked
// and reloaded, and the server only ever serves index.html.

import { CATEGORIES, type Category } from './api-types.js';

export interface PatternFilters {
  search?: string;
  category?: Category;
  function?: string;
}

export type Route =
  | { page: 'overview' }
  | { page: 'curriculum' }
  | { page: 'patterns'; filters: PatternFilters }
  | { page: 'pattern'; id: string }
  | { page: 'approvals' }
  | { page: 'deployments' }
  | { page: 'live' }
  | { page: 'not-found'; path: string };

const SIMPLE = ['curriculum', 'approvals', 'deployments', 'live'] as const;

function isCategory(value: string | null): value is Category {
  return value !== null && (CATEGORIES as readonly string[]).includes(value);
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [rawPath = '', rawQuery = ''] = text.split('?', 2);
  const path = rawPath.replace(/^\/+|\/+$/g, '');
  if (path === '') return { page: 'overview' };
  for (const page of SIMPLE) if (path === page) return { page };
  if (path === 'patterns') {
    const query = new URLSearchParams(rawQuery);
    const filters: PatternFilters = {};
    const search = query.get('search');
    if (search) filters.search = search;
    const category = query.get('category');
    if (isCategory(category)) filters.category = category;
    const fn = query.get('function');
    if (fn) filters.function = fn;
    return { page: 'patterns', filters };
  }
  const pattern = /^patterns\/([^/]+)$/.exec(path);
  if (pattern) {
    try {
      return { page: 'pattern', id: decodeURIComponent(pattern[1]!) };
    } catch {
      return { page: 'not-found', path };
    }
  }
  return { page: 'not-found', path };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'patterns': {
      const query = new URLSearchParams();
      if (route.filters.search) query.set('search', route.filters.search);
      if (route.filters.category) query.set('category', route.filters.category);
      if (route.filters.function) query.set('function', route.filters.function);
      const text = query.toString();
      return text === '' ? '#/patterns' : `#/patterns?${text}`;
    }
    case 'pattern':
      return `#/patterns/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return `#/${route.path}`;
    default:
      return `#/${route.page}`;
  }
}
