// A settled item as a row: a decided approval, a past deployment. Its fix (under the pattern it
// fixes, where the page is not that pattern's own), and on the right what became of it and when.

import type { ComponentChildren, VNode } from 'preact';
import type { Fix } from '../../src/api-types.js';
import { StatusBadge } from './badges.js';
import { FixView } from './fix-view.js';

export function SettledRow({
  pattern,
  fix,
  note,
  status,
  when,
}: {
  /** A PatternLink; none on the pattern's own page. */
  pattern?: VNode;
  fix: Fix | null;
  /** A line under the fix, left out when empty. */
  note?: ComponentChildren;
  status: string;
  when: ComponentChildren;
}) {
  return (
    <li class="row">
      <div class="row-main">
        {pattern}
        <FixView fix={fix} />
        {note && <p class="muted small">{note}</p>}
      </div>
      <div class="row-side">
        <StatusBadge status={status} />
        <span class="muted">{when}</span>
      </div>
    </li>
  );
}
