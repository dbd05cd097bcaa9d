import { fingerprintFailure } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { failure, success } from './prepared-event.fixture.js';
import type { PreparedEvent } from './storage.js';
import {
  DESCRIPTION_MEMO_LIMIT,
  eventFromStored,
  type PatternDescription,
  PatternDescriptions,
} from './stored-event.js';

/** The pattern row a failure would create: its fingerprint's description columns. */
function rowOf(event: PreparedEvent): PatternDescription & { id: string } {
  const fp = event.fingerprint!;
  return {
    id: fp.patternId,
    category: fp.category,
    error_type: fp.errorType,
    normalized_message: fp.normalizedMessage,
    signature: JSON.stringify(fp.signature),
  };
}

const NO_PATTERN = { category: null, error_type: null, normalized_message: null, signature: null };

describe('PatternDescriptions', () => {
  it('knows the rows it remembers per project, up to its bound, then forgets them all at once', () => {
    const descriptions = new PatternDescriptions();
    const rows = Array.from({ length: DESCRIPTION_MEMO_LIMIT }, (_, i) => rowOf(failure(`p-${i}`)));
    descriptions.remember('a', rows);
    descriptions.remember('a', [rows[0]!]); // known already: takes no room
    expect(descriptions.has('a', 'p-0')).toBe(true);
    expect(descriptions.has('a', `p-${DESCRIPTION_MEMO_LIMIT - 1}`)).toBe(true);
    expect(descriptions.has('b', 'p-0')).toBe(false);
    descriptions.remember('b', [rows[0]!]);
    expect(descriptions.has('b', 'p-0')).toBe(true);
    expect(descriptions.has('a', 'p-0')).toBe(false);
    expect(descriptions.has('a', `p-${DESCRIPTION_MEMO_LIMIT - 1}`)).toBe(false);
  });
});

describe('PatternDescriptions.storedForm', () => {
  it('stores a failure whole until its pattern is remembered, then without the fingerprint', () => {
    const descriptions = new PatternDescriptions();
    const event = failure('p-1');
    expect(JSON.stringify(descriptions.storedForm('proj', event))).toBe(JSON.stringify(event));
    descriptions.remember('proj', [rowOf(event)]);
    const { fingerprint, ...lean } = event;
    expect(JSON.stringify(descriptions.storedForm('proj', event))).toBe(JSON.stringify(lean));
    // Pattern ids are per project.
    expect(JSON.stringify(descriptions.storedForm('other', event))).toBe(JSON.stringify(event));
  });

  it('compares signatures as core makes them, value shapes included', () => {
    const descriptions = new PatternDescriptions();
    const event = failure('p-shape');
    const signature = fingerprintFailure({
      function: 'search',
      errorType: 'TypeError',
      message: 'x',
      input: { query: 'q', options: { limit: 1 } },
    }).signature;
    event.fingerprint = { ...event.fingerprint!, signature };
    descriptions.remember('proj', [rowOf(event)]);
    expect(JSON.parse(JSON.stringify(descriptions.storedForm('proj', event)))).not.toHaveProperty(
      'fingerprint',
    );
  });

  it('keeps the fingerprint of a failure that differs from its pattern in any part', () => {
    const descriptions = new PatternDescriptions();
    const base = failure('p-2');
    descriptions.remember('proj', [rowOf(base)]);
    const fp = base.fingerprint!;
    const variants: PreparedEvent['fingerprint'][] = [
      { ...fp, category: 'timeout' },
      { ...fp, errorType: 'RangeError' },
      { ...fp, normalizedMessage: 'another message' },
      { ...fp, signature: { ...fp.signature, input: { query: 'number' } } },
    ];
    for (const fingerprint of variants) {
      const event = { ...failure('p-2'), fingerprint };
      expect(JSON.parse(JSON.stringify(descriptions.storedForm('proj', event)))).toEqual(
        JSON.parse(JSON.stringify(event)),
      );
    }
  });

  it('stores successes as they are', () => {
    const descriptions = new PatternDescriptions();
    const event = success('search');
    expect(JSON.stringify(descriptions.storedForm('proj', event))).toBe(JSON.stringify(event));
  });

  it('does not remember a signature too long to keep', () => {
    const descriptions = new PatternDescriptions();
    const event = failure('p-3');
    event.fingerprint = { ...event.fingerprint!, signature: { input: { text: 'x'.repeat(5_000) } } };
    descriptions.remember('proj', [rowOf(event)]);
    expect(JSON.stringify(descriptions.storedForm('proj', event))).toBe(JSON.stringify(event));
  });
});

describe('eventFromStored', () => {
  it('gives back the event, to the key order, from either form', () => {
    const descriptions = new PatternDescriptions();
    const event = failure('p-4');
    const row = rowOf(event);
    const whole = JSON.stringify(descriptions.storedForm('proj', event));
    descriptions.remember('proj', [row]);
    const lean = JSON.stringify(descriptions.storedForm('proj', event));
    expect(lean.length).toBeLessThan(whole.length);
    for (const data of [whole, lean]) {
      expect(JSON.stringify(eventFromStored(data, row.id, row))).toBe(JSON.stringify(event));
    }
    const ok = success('search');
    expect(eventFromStored(JSON.stringify(ok), null, NO_PATTERN)).toEqual(ok);
  });

  it('keeps a verdict after the fingerprint, where ingest puts it', () => {
    const descriptions = new PatternDescriptions();
    const event: PreparedEvent = {
      ...failure('p-6'),
      verdict: { callId: 'call-1', score: 0.1, threshold: 0.5 },
    };
    const row = rowOf(event);
    descriptions.remember('proj', [row]);
    const lean = JSON.stringify(descriptions.storedForm('proj', event));
    expect(lean).not.toContain('"fingerprint"');
    expect(JSON.stringify(eventFromStored(lean, row.id, row))).toBe(JSON.stringify(event));
  });

  it('says so when a failure stored without its fingerprint has no pattern row', () => {
    const { fingerprint, ...lean } = failure('p-5', { id: 'e-5' });
    expect(() => eventFromStored(JSON.stringify(lean), fingerprint!.patternId, NO_PATTERN)).toThrow(
      /e-5 .* pattern p-5 is missing/,
    );
  });
});
