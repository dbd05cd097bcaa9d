// Horizontal bars for shares that add up to one (SEC's sampling probabilities).

import type { ComponentChildren } from 'preact';
import { percent } from '../../src/format.js';

export interface BarItem {
  key: string;
  label: ComponentChildren;
  value: number;
  note?: string;
}

export function ProbabilityBars({ items, ariaLabel }: { items: readonly BarItem[]; ariaLabel: string }) {
  const max = Math.max(...items.map((i) => i.value), 1e-9);
  return (
    <ul class="bars" aria-label={ariaLabel}>
      {items.map((item) => (
        <li key={item.key} class="bar-row">
          <div class="bar-label">{item.label}</div>
          <div class="bar-track" aria-hidden="true">
            <div class="bar-fill" style={{ width: `${(item.value / max) * 100}%` }} />
          </div>
          <div class="bar-value">
            {percent(item.value)}
            {item.note !== undefined && <span class="muted"> · {item.note}</span>}
          </div>
        </li>
      ))}
    </ul>
  );
}
