import { type Category, fingerprintFailure } from '@arc-agent/core';
import type { ArcEvent } from './arc-event.js';

/** A failed attempt as core's fingerprint sees it: its pattern and category, and its HTTP status. */
export interface ClassifiedFailure {
  patternId: string;
  category: Category;
  status?: number;
}

/**
 * Classifies a failure event exactly as the server will (same core function, same redacted
 * fields), so a fix deployed for a pattern id is recognised locally as the fix for this failure.
 */
export function classifyFailure(event: ArcEvent): ClassifiedFailure {
  const error = event.error;
  const { patternId, category } = fingerprintFailure({
    function: event.function,
    errorType: error?.type,
    message: error?.message,
    status: error?.status,
    code: error?.code === undefined ? undefined : String(error.code),
    stack: error?.stack,
  });
  return error?.status === undefined
    ? { patternId, category }
    : { patternId, category, status: error.status };
}
