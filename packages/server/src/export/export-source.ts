// The records an export reads: the project's stored events a page at a time (never all at once),
// each with its pattern and the fix deployed for that pattern now. Filtering by patterns keeps the
// failures of those patterns and the successes of their functions (a trainer learns what works
// beside what fails).

import type { DeployedFix } from '@arc-agent/core';
import { deployedFixes } from '../learner/deployed-fixes.js';
import type { EventScanQuery, Storage } from '../storage/storage.js';
import { type ExportRecord, exportRecord, type StoredEvent } from './export-records.js';

/** Events read per storage query. */
export const EXPORT_PAGE = 200;
/** Patterns one export may name. */
export const MAX_EXPORT_PATTERNS = 500;

export interface ExportFilter {
  /** Only events with timestamp >= since (epoch ms). */
  since?: number;
  patternIds?: readonly string[];
}

/** A pattern named in the filter that the project does not have. */
export class UnknownPatternError extends Error {
  constructor(readonly patternId: string) {
    super(`no pattern ${patternId} in this project`);
    this.name = 'UnknownPatternError';
  }
}

async function scanFilter(
  storage: Storage,
  projectId: string,
  filter: ExportFilter,
): Promise<Omit<EventScanQuery, 'limit' | 'afterId'>> {
  const scan: Omit<EventScanQuery, 'limit' | 'afterId'> = {};
  if (filter.since !== undefined) scan.since = filter.since;
  if (filter.patternIds === undefined) return scan;
  const patternIds = [...new Set(filter.patternIds)];
  const patterns = await storage.getPatterns(projectId, patternIds);
  if (patterns.length < patternIds.length) {
    const known = new Set(patterns.map((p) => p.id));
    throw new UnknownPatternError(patternIds.find((id) => !known.has(id))!);
  }
  return { ...scan, only: { patternIds, functions: [...new Set(patterns.map((p) => p.function))] } };
}

async function* pages(
  storage: Storage,
  projectId: string,
  scan: Omit<EventScanQuery, 'limit' | 'afterId'>,
  deployed: ReadonlyMap<string, DeployedFix>,
): AsyncGenerator<ExportRecord> {
  let afterId: string | undefined;
  for (;;) {
    const page = (await storage.scanEvents(projectId, {
      ...scan,
      limit: EXPORT_PAGE,
      ...(afterId !== undefined ? { afterId } : {}),
    })) as StoredEvent[];
    for (const event of page) yield exportRecord(event, deployed);
    if (page.length < EXPORT_PAGE) return;
    afterId = page.at(-1)!.id;
  }
}

/**
 * The export's records, read lazily. Checks the filter before anything is read (rejects with
 * UnknownPatternError), so that a bad request fails before a response starts.
 */
export async function exportRecords(
  storage: Storage,
  projectId: string,
  filter: ExportFilter,
): Promise<AsyncGenerator<ExportRecord>> {
  const scan = await scanFilter(storage, projectId, filter);
  const live = await deployedFixes(storage, projectId, { statuses: ['canary', 'promoted'] });
  // Oldest first, so a pattern's newest live deployment wins.
  const deployed = new Map(live.map((fix) => [fix.patternId, fix]));
  return pages(storage, projectId, scan, deployed);
}
