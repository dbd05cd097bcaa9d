// The two lists of the approvals and deployments pages: what needs attention, as cards under a
// heading with their count, and what is settled, as rows in one card; each says so when empty.

import type { ComponentChildren, VNode } from 'preact';
import { Empty } from './status-views.js';

interface ItemSectionProps<T> {
  title: string;
  items: readonly T[];
  /** The empty state's title. */
  empty: string;
  testId: string;
  render: (item: T) => VNode;
}

export function CardSection<T>({
  title,
  items,
  empty,
  emptyText,
  testId,
  render,
}: ItemSectionProps<T> & { emptyText: ComponentChildren }) {
  return (
    <section>
      <h2>
        {title} <span class="count-pill">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <div class="card">
          <Empty title={empty}>{emptyText}</Empty>
        </div>
      ) : (
        <ul class="cards" data-testid={testId}>
          {items.map(render)}
        </ul>
      )}
    </section>
  );
}

export function RowSection<T>({ title, items, empty, testId, render }: ItemSectionProps<T>) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {items.length === 0 ? (
        <Empty title={empty} />
      ) : (
        <ul class="rows" data-testid={testId}>
          {items.map(render)}
        </ul>
      )}
    </section>
  );
}
