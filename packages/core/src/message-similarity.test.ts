import { describe, expect, it } from 'vitest';
import { cosineSimilarity, findSimilar, messageVector } from './message-similarity.js';
import { normalizeMessage } from './normalize-message.js';

const tpm = normalizeMessage(
  '429 Rate limit reached for gpt-4o in organization org-AbC123xYz789 on tokens per min (TPM): Limit 30000, Used 29000, Requested 1500. Please try again in 1.2s.',
);
const rpm = normalizeMessage(
  '429 Rate limit reached for gpt-4o in organization org-AbC123xYz789 on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.',
);
const miniTpm = normalizeMessage(
  '429 Rate limit reached for gpt-4o-mini in organization org-AbC123xYz789 on tokens per min (TPM): Limit 200000, Used 199000, Requested 1500. Please try again in 300ms.',
);
const jsonEnd = 'Unexpected end of JSON input';
const pgUnique = 'duplicate key value violates unique constraint "users_email_key"';

describe('messageVector', () => {
  it('is a unit vector with strictly increasing indices', () => {
    const v = messageVector(tpm);
    expect(v.indices.length).toBeGreaterThan(10);
    for (let i = 1; i < v.indices.length; i++) expect(v.indices[i]!).toBeGreaterThan(v.indices[i - 1]!);
    const norm = Math.sqrt(v.values.reduce((sum, x) => sum + x * x, 0));
    expect(norm).toBeCloseTo(1, 12);
  });

  it('ignores case and spacing', () => {
    expect(cosineSimilarity(messageVector('Socket  Hang\nUp'), messageVector('socket hang up'))).toBeCloseTo(
      1,
      12,
    );
  });

  it('is empty for an empty message', () => {
    const empty = messageVector('');
    expect(empty.indices.length).toBe(0);
    expect(cosineSimilarity(empty, messageVector('x'))).toBe(0);
  });
});

describe('cosineSimilarity', () => {
  it('is 1 for the same message and symmetric', () => {
    const a = messageVector(tpm);
    const b = messageVector(rpm);
    expect(cosineSimilarity(a, a)).toBeCloseTo(1, 12);
    expect(cosineSimilarity(a, b)).toBeCloseTo(cosineSimilarity(b, a), 15);
  });

  it('puts near-duplicates above 0.85 and unrelated messages below', () => {
    const near = [
      [tpm, rpm],
      [tpm, miniTpm],
      ['Request failed with status code 503', 'Request failed with status code 502'],
      [
        'Unexpected token <char>, <value> is not valid JSON',
        "Unexpected token '<', <value> is not valid JSON",
      ],
    ];
    for (const [a, b] of near)
      expect(cosineSimilarity(messageVector(a!), messageVector(b!))).toBeGreaterThan(0.85);
    const far = [
      [tpm, jsonEnd],
      [tpm, pgUnique],
      [jsonEnd, pgUnique],
      ['jwt expired', 'socket hang up'],
    ];
    for (const [a, b] of far)
      expect(cosineSimilarity(messageVector(a!), messageVector(b!))).toBeLessThan(0.5);
  });
});

describe('findSimilar', () => {
  const candidates = [
    { id: 'json', message: jsonEnd },
    { id: 'rpm', message: rpm },
    { id: 'mini', message: miniTpm },
    { id: 'same', message: tpm },
    { id: 'pg', message: pgUnique },
  ];

  it('returns candidates above the threshold, best first', () => {
    const hits = findSimilar(tpm, candidates);
    // The TPM message for another model shares more than the RPM message for the same model.
    expect(hits.map((h) => h.id)).toEqual(['same', 'mini', 'rpm']);
    expect(hits[0]!.score).toBeCloseTo(1, 12);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    expect(hits.every((h) => h.score >= 0.85)).toBe(true);
  });

  it('keeps only topK and honours the threshold', () => {
    expect(findSimilar(tpm, candidates, { topK: 1 }).map((h) => h.id)).toEqual(['same']);
    expect(findSimilar(tpm, candidates, { threshold: 0 }).length).toBe(5);
    expect(findSimilar(tpm, candidates, { threshold: 0, topK: 10 }).at(-1)!.score).toBeLessThan(0.5);
    expect(findSimilar('entirely different words', candidates)).toEqual([]);
  });

  it('breaks ties by id', () => {
    const twins = [
      { id: 'b', message: jsonEnd },
      { id: 'a', message: jsonEnd },
    ];
    expect(findSimilar(jsonEnd, twins).map((h) => h.id)).toEqual(['a', 'b']);
  });

  it('rejects a threshold outside [0, 1] and a bad topK', () => {
    expect(() => findSimilar(tpm, candidates, { threshold: 1.5 })).toThrow(RangeError);
    expect(() => findSimilar(tpm, candidates, { threshold: Number.NaN })).toThrow(RangeError);
    expect(() => findSimilar(tpm, candidates, { topK: 1.5 })).toThrow(RangeError);
  });
});
