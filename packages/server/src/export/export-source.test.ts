// The export's filter is checked against storage in one query, however many patterns it names.

import { describe, expect, it, vi } from 'vitest';
import type { PatternRecord, Storage } from '../storage/storage.js';
import { exportRecords, UnknownPatternError } from './export-source.js';

function storageWith(patterns: Pick<PatternRecord, 'id' | 'function'>[]) {
  const getPatterns = vi.fn(async (_project: string, ids: readonly string[]) =>
    patterns.filter((p) => ids.includes(p.id)),
  );
  const getPattern = vi.fn();
  const scanEvents = vi.fn(async () => []);
  const storage = { getPatterns, getPattern, scanEvents, listDeployments: async () => [] };
  return { storage: storage as unknown as Storage, getPatterns, getPattern, scanEvents };
}

describe('exportRecords', () => {
  it('looks the named patterns up in one call, and scans their failures and functions', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `p-${i}`);
    const { storage, getPatterns, getPattern, scanEvents } = storageWith(
      names.map((id, i) => ({ id, function: `f-${i % 3}` })),
    );
    const records = await exportRecords(storage, 'proj', { patternIds: [...names, 'p-0'] });
    for await (const _ of records) throw new Error('no events were stored');
    expect(getPatterns).toHaveBeenCalledTimes(1);
    expect(getPatterns).toHaveBeenCalledWith('proj', names);
    expect(getPattern).not.toHaveBeenCalled();
    expect(scanEvents).toHaveBeenCalledWith('proj', {
      limit: expect.any(Number),
      only: { patternIds: names, functions: ['f-0', 'f-1', 'f-2'] },
    });
  });

  it('names the first unknown pattern', async () => {
    const { storage } = storageWith([{ id: 'p-known', function: 'f' }]);
    await expect(
      exportRecords(storage, 'proj', { patternIds: ['p-known', 'p-gone', 'p-lost'] }),
    ).rejects.toEqual(new UnknownPatternError('p-gone'));
  });
});
