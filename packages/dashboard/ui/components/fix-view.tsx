// A fix: its type, what it does in words, and the fix itself on request.

import type { Fix } from '../../src/api-types.js';
import { FIX_TYPE_LABELS, summarizeFix } from '../../src/fix-summary.js';
import { JsonBlock } from './json-block.js';

export function FixView({ fix, detailed = false }: { fix: Fix | null; detailed?: boolean }) {
  if (fix === null) return <span class="muted">no fix (what agents run today)</span>;
  return (
    <div class="fix">
      <span class="fix-type">{FIX_TYPE_LABELS[fix.type] ?? fix.type}</span>{' '}
      <span class="fix-summary">{summarizeFix(fix)}</span>
      {detailed && (
        <details>
          <summary>Fix as JSON</summary>
          <JsonBlock value={fix} label="fix" />
        </details>
      )}
    </div>
  );
}
