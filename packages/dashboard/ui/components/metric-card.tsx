// One of the overview's headline numbers.

import type { ComponentChildren } from 'preact';

export function MetricCard({
  label,
  value,
  unit,
  tone,
  children,
  testId,
}: {
  label: ComponentChildren;
  value: string;
  /** Shown smaller after the value. */
  unit?: string;
  tone?: 'good' | 'bad' | 'warn';
  children?: ComponentChildren;
  testId?: string;
}) {
  return (
    <div class="card metric" data-testid={testId}>
      <p class="metric-label">{label}</p>
      <p class={`metric-value${tone ? ` tone-${tone}` : ''}`}>
        {value}
        {unit !== undefined && <span class="metric-unit"> {unit}</span>}
      </p>
      {children !== undefined && <p class="metric-note">{children}</p>}
    </div>
  );
}
