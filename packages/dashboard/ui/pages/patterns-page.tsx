// Patterns: every failure signature, filtered by category and function (by the server) and
// searched by words (among those loaded), most frequent or most recent first. The function is
// typed, with the names that start with what is typed offered (GET /v1/functions?prefix=), so any
// of a project's functions can be chosen, however many there are.

import { useEffect, useRef, useState } from 'preact/hooks';
import {
  CATEGORIES,
  type FunctionStats,
  type PatternList,
  type PatternSummary,
} from '../../src/api-types.js';
import { ago, count, words } from '../../src/format.js';
import { type PatternFilters, routeHref } from '../../src/hash-route.js';
import { api, query } from '../api.js';
import { CategoryBadge, OverflowBadge } from '../components/badges.js';
import { Empty, ErrorNote, Loaded } from '../components/status-views.js';
import { useClock } from '../use-clock.js';
import { useResource } from '../use-resource.js';

const PAGE = 100;
/** Function names offered at once as the filter is typed. */
const FUNCTION_SUGGESTIONS = 50;
/** The longest function name the API takes (and so the longest prefix). */
const MAX_FUNCTION_NAME = 256;
type Sort = 'occurrences' | 'lastSeen';

function matches(p: PatternSummary, search: string): boolean {
  const needle = search.toLowerCase();
  return [p.normalizedMessage, p.errorType, p.function, p.id, p.category].some((text) =>
    text.toLowerCase().includes(needle),
  );
}

export function PatternsPage({ filters }: { filters: PatternFilters }) {
  const [sort, setSort] = useState<Sort>('occurrences');
  const [search, setSearch] = useState(filters.search ?? '');
  const [fn, setFn] = useState(filters.function ?? '');
  const [more, setMore] = useState<{ patterns: PatternSummary[]; cursor: string | null; error?: unknown }>({
    patterns: [],
    cursor: null,
  });
  const now = useClock();
  const functions = useResource(
    () =>
      api.get<{ functions: FunctionStats[] }>(
        `/v1/functions${query({ prefix: fn, limit: FUNCTION_SUGGESTIONS })}`,
      ),
    [fn],
    { refreshOn: ['pattern.created'] },
  );
  const first = useResource(
    () =>
      api.get<PatternList>(
        `/v1/patterns${query({ category: filters.category, function: filters.function, sort, limit: PAGE })}`,
      ),
    [filters.category, filters.function, sort],
    { refreshOn: ['failures.ingested', 'pattern.created'] },
  );
  // New filters start the list over; a live refresh of the first page keeps the pages loaded after
  // it (else, with failures arriving, no one could read past the first page), with the patterns
  // it pushed off the first page at their head.
  useEffect(() => setMore({ patterns: [], cursor: null }), [filters.category, filters.function, sort]);
  const shownFirst = useRef<PatternSummary[]>([]);
  useEffect(() => {
    const patterns = first.data?.patterns ?? [];
    const onFirst = new Set(patterns.map((p) => p.id));
    const pushedOff = shownFirst.current.filter((p) => !onFirst.has(p.id));
    shownFirst.current = patterns;
    setMore((m) =>
      m.patterns.length === 0
        ? m
        : { ...m, patterns: [...pushedOff, ...m.patterns].filter((p) => !onFirst.has(p.id)) },
    );
  }, [first.data]);
  // The first page's cursor until a page after it is loaded.
  const nextCursor = more.patterns.length === 0 ? (first.data?.nextCursor ?? null) : more.cursor;
  useEffect(() => setSearch(filters.search ?? ''), [filters.search]);
  useEffect(() => setFn(filters.function ?? ''), [filters.function]);

  const go = (next: PatternFilters) => {
    location.hash = routeHref({ page: 'patterns', filters: next });
  };
  const loadMore = async () => {
    if (nextCursor === null) return;
    try {
      const page = await api.get<PatternList>(
        `/v1/patterns${query({ category: filters.category, function: filters.function, sort, limit: PAGE, cursor: nextCursor })}`,
      );
      setMore((m) => ({ patterns: [...m.patterns, ...page.patterns], cursor: page.nextCursor }));
    } catch (error) {
      setMore((m) => ({ ...m, error }));
    }
  };

  return (
    <>
      <h1>Patterns</h1>
      <search>
        <form
          class="filters card"
          onSubmit={(e) => {
            e.preventDefault();
            go({ ...filters, search: search.trim() || undefined, function: fn || undefined });
          }}
        >
          <label class="field field-wide">
            <span>Search</span>
            <input
              type="search"
              name="search"
              placeholder="message, error type, function or id"
              value={search}
              onInput={(e) => setSearch(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>Category</span>
            <select
              name="category"
              value={filters.category ?? ''}
              onChange={(e) =>
                go({
                  ...filters,
                  category: (e.currentTarget.value || undefined) as PatternFilters['category'],
                })
              }
            >
              <option value="">All categories</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {words(c)}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>Function</span>
            <input
              type="text"
              name="function"
              list="function-names"
              placeholder="All functions"
              autoComplete="off"
              spellcheck={false}
              maxLength={MAX_FUNCTION_NAME}
              value={fn}
              onInput={(e) => setFn(e.currentTarget.value)}
              // Committed (a name picked from the list, Enter, or leaving the field): filter by it.
              onChange={(e) => go({ ...filters, function: e.currentTarget.value || undefined })}
            />
            <datalist id="function-names" data-testid="function-names">
              {(functions.data?.functions ?? []).map((f) => (
                <option key={f.function} value={f.function} />
              ))}
            </datalist>
          </label>
          <label class="field">
            <span>Order</span>
            <select name="sort" value={sort} onChange={(e) => setSort(e.currentTarget.value as Sort)}>
              <option value="occurrences">Most frequent</option>
              <option value="lastSeen">Most recent</option>
            </select>
          </label>
          <button type="submit" class="button">
            Search
          </button>
        </form>
      </search>

      <Loaded resource={first} what="patterns">
        {(page) => {
          // Each pattern once, where it was first met (pages shift as failures arrive).
          const ids = new Set<string>();
          const all = [...page.patterns, ...more.patterns].filter((p) => !ids.has(p.id) && ids.add(p.id));
          const shown = filters.search ? all.filter((p) => matches(p, filters.search!)) : all;
          const filtered =
            filters.category !== undefined || filters.function !== undefined || !!filters.search;
          return (
            <section class="card">
              <p class="muted list-count" data-testid="pattern-count">
                {filters.search
                  ? `${shown.length} of the ${all.length} patterns loaded match “${filters.search}”`
                  : `${all.length} pattern${all.length === 1 ? '' : 's'}${nextCursor !== null ? ' so far' : ''}`}
              </p>
              {shown.length === 0 ? (
                filtered ? (
                  <Empty title="No pattern matches these filters">
                    <a href="#/patterns">Clear the filters</a> to see every pattern.
                  </Empty>
                ) : (
                  <Empty title="No failures yet">
                    Patterns appear as soon as your agents report failures (the SDK's <code>arc.track</code>,
                    or POST /v1/events).
                  </Empty>
                )
              ) : (
                <ul class="rows pattern-list" data-testid="pattern-list">
                  {shown.map((p) => (
                    <li key={p.id} class="row">
                      <div class="row-main">
                        <a class="pattern-message" href={routeHref({ page: 'pattern', id: p.id })}>
                          {p.normalizedMessage}
                        </a>
                        <div class="row-meta">
                          <CategoryBadge category={p.category} /> {p.overflow && <OverflowBadge />}{' '}
                          <span class="fn">{p.function}</span> <span class="muted">{p.errorType}</span>
                        </div>
                      </div>
                      <div class="row-side">
                        <span class="strong" title="Occurrences">
                          {count(p.occurrences)}×
                        </span>
                        <span class="muted">last seen {ago(p.lastSeen, now)}</span>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
              {more.error !== undefined && <ErrorNote error={more.error} onRetry={loadMore} />}
              {nextCursor !== null && (
                <button type="button" class="button" onClick={loadMore}>
                  Load more
                </button>
              )}
            </section>
          );
        }}
      </Loaded>
    </>
  );
}
