// A pattern named by its message when known, by its id otherwise; links to its page.

import type { PatternSummary } from '../../src/api-types.js';
import { shortId } from '../../src/format.js';
import { routeHref } from '../../src/hash-route.js';

export function PatternLink({ id, pattern }: { id: string; pattern?: PatternSummary | undefined }) {
  return (
    <a class="pattern-link" href={routeHref({ page: 'pattern', id })} title={id}>
      {pattern ? (
        <>
          <span class="fn">{pattern.function}</span> <span class="message">{pattern.normalizedMessage}</span>
        </>
      ) : (
        <span class="mono">{shortId(id, 12)}</span>
      )}
    </a>
  );
}
