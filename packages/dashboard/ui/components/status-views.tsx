// Loading, empty and error states, the same on every page.

import type { ComponentChildren } from 'preact';
import { errorText } from '../../src/api-error.js';
import type { Resource } from '../use-resource.js';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty">
      <p class="state-title">{title}</p>
      {children !== undefined && <p class="muted">{children}</p>}
    </div>
  );
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <p>{errorText(error)}</p>
      {onRetry && (
        <button type="button" class="button button-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * Renders a resource's data once it is there; until then a loading line, or the error in words.
 * An error after data arrived (a failed live refresh) shows above the data it leaves in place.
 */
export function Loaded<T>({
  resource,
  what,
  children,
}: {
  resource: Resource<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (resource.data === undefined) {
    if (resource.error !== undefined) return <ErrorNote error={resource.error} onRetry={resource.reload} />;
    return <Loading what={what} />;
  }
  return (
    <>
      {resource.error !== undefined && <ErrorNote error={resource.error} onRetry={resource.reload} />}
      {children(resource.data)}
    </>
  );
}
