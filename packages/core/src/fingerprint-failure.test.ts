import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categorizeFailure } from './categorize-failure.js';
import type { Category } from './failure-category.js';
import {
  type FailureInput,
  fingerprintFailure,
  MESSAGE_MEMO_LIMIT,
  messageMemoSize,
  patternIdOf,
} from './fingerprint-failure.js';
import type { FingerprintRule } from './fingerprint-rule.js';
import { MAX_RAW_MESSAGE_LENGTH, normalizeMessage } from './normalize-message.js';

const id = (f: FailureInput, rules?: FingerprintRule[]) => fingerprintFailure(f, { rules }).patternId;

describe('patternIdOf', () => {
  it('is pat_ and the first 16 hex digits of SHA-256 of the canonical JSON', () => {
    const parts = ['search', 'Error', null, 429, 'rate limit <int>', 'rate_limit'];
    const expected = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
    expect(patternIdOf(parts)).toBe(`pat_${expected}`);
  });

  it('stays correct after its memo has been flushed many times', () => {
    const before = patternIdOf(['probe']);
    for (let i = 0; i < 10_000; i++) patternIdOf(['flood', i]);
    expect(patternIdOf(['probe'])).toBe(before);
  });
});

describe('fingerprintFailure', () => {
  const base: FailureInput = {
    function: 'getUser',
    errorType: 'NotFoundError',
    message: 'user 4411 not found (req 9f1c2b7e)',
  };

  it('returns the pattern id, category, normalised message and signature', () => {
    const fp = fingerprintFailure({ ...base, status: 404, input: { id: 4411 } });
    expect(fp.patternId).toMatch(/^pat_[0-9a-f]{16}$/);
    expect(fp.normalizedMessage).toBe('user <int> not found (req <hex>)');
    expect(fp.category).toBe('unknown');
    expect(fp.signature).toEqual({
      function: 'getUser',
      errorType: 'NotFoundError',
      code: null,
      status: 404,
      normalizedMessage: 'user <int> not found (req <hex>)',
      category: 'unknown',
      inputShape: { id: 'number' },
      outputShape: 'undefined',
      fingerprint: null,
    });
  });

  it('gives the same id to the same failure with other volatile values', () => {
    const variants = [
      ['user 4411 not found (req 9f1c2b7e)', 'user 17 not found (req 0a2b44d1)'],
      [
        'charge for cus_NffrFeUfNV2Hib failed: req_7f3a9c21 at 2024-03-11T09:15:27Z after 1500ms',
        'charge for cus_Q1w2E3r4T5y6U7 failed: req_01b44e9a at 2025-01-02T18:04:55.120Z after 30s',
      ],
      [
        'GET https://api.example.com/v1/runs/3f2a9c4e-1b7d-4e8f-9a6b-2c5d8e1f4a7b from 10.0.0.7:51234 timed out',
        'GET https://api.example.com/v1/runs/0d9a7c55-3e1b-4f2a-8c6d-9b8e7f6a5d4c from [2001:db8::1]:443 timed out',
      ],
      [
        'trace 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 failed',
        'trace 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00 failed',
      ],
      [
        'commit 3f2a9c4e1b7d4e8f9a6b2c5d8e1f4a7b3c6d9e0f rejected by ada@example.com',
        'commit 9e107d9d372bb6826bd81d3542a419d6e4b2c1a0 rejected by bob@corp.io',
      ],
    ];
    for (const [a, b] of variants) {
      expect(id({ ...base, message: a })).toBe(id({ ...base, message: b }));
    }
  });

  it('tells apart functions, error types, codes, statuses and meaningful words', () => {
    const reference = id(base);
    expect(id({ ...base, function: 'getOrder' })).not.toBe(reference);
    expect(id({ ...base, errorType: 'Error' })).not.toBe(reference);
    expect(id({ ...base, code: 'E_USER' })).not.toBe(reference);
    expect(id({ ...base, status: 410 })).not.toBe(reference);
    expect(id({ ...base, message: 'account 4411 not found (req 9f1c2b7e)' })).not.toBe(reference);
    const tool = (name: string) =>
      id({ function: 'agent', errorType: 'Error', message: `Tool "${name}" not found.` });
    expect(tool('search_web')).not.toBe(tool('get_stock_price'));
    const field = (name: string) =>
      id({ function: 'pay', errorType: 'HTTPError', message: `"${name}" is required` });
    expect(field('amount')).not.toBe(field('currency'));
  });

  // The choice documented on fingerprintFailure: shapes are in the signature, not in the id.
  it('keeps input and output shapes out of the id but in the signature', () => {
    const a = fingerprintFailure({ ...base, input: { query: 'x' }, output: null });
    const b = fingerprintFailure({
      ...base,
      input: { query: 'y', limit: 5, filters: ['a'] },
      output: { items: [] },
    });
    expect(a.patternId).toBe(b.patternId);
    expect(a.signature.inputShape).toEqual({ query: 'string' });
    expect(b.signature.inputShape).toEqual({ filters: ['string'], limit: 'number', query: 'string' });
    expect(b.signature.outputShape).toEqual({ items: [] });
  });

  it('reads error type, code and message from the stack when they are missing', () => {
    const stack =
      'TypeError [ERR_INVALID_URL]: Invalid URL\n    at new URL (node:internal/url:775:36)\n    at fetchPage (/app/tools.js:12:9)';
    const fromStack = fingerprintFailure({ function: 'fetchPage', stack });
    expect(fromStack.signature.errorType).toBe('TypeError');
    expect(fromStack.signature.code).toBe('ERR_INVALID_URL');
    expect(fromStack.normalizedMessage).toBe('Invalid URL');
    expect(fromStack.category).toBe('validation');
    const explicit = fingerprintFailure({
      function: 'fetchPage',
      errorType: 'TypeError',
      code: 'ERR_INVALID_URL',
      message: 'Invalid URL',
      stack: stack.replace('12:9', '40:3'),
    });
    // Frames (and their line numbers) do not enter the id.
    expect(explicit.patternId).toBe(fromStack.patternId);
  });

  it('treats missing message and type as empty message and Error', () => {
    const fp = fingerprintFailure({ function: ' step ' });
    expect(fp.signature.function).toBe('step');
    expect(fp.signature.errorType).toBe('Error');
    expect(fp.normalizedMessage).toBe('');
    expect(fp.category).toBe('unknown');
  });

  it('lets a rule override the category', () => {
    const failure = { function: 'searchWeb', errorType: 'Error', message: 'upstream said: try later' };
    const plain = fingerprintFailure(failure);
    const ruled = fingerprintFailure(failure, {
      rules: [{ match: { function: 'searchWeb', message: /try later/ }, category: 'rate_limit' }],
    });
    expect(plain.category).toBe('unknown');
    expect(ruled.category).toBe('rate_limit');
    expect(ruled.signature.category).toBe('rate_limit');
    // The category is part of the signature, so the pattern is a different one.
    expect(ruled.patternId).not.toBe(plain.patternId);
  });

  it('lets a rule override the fingerprint, merging otherwise different failures', () => {
    const refused = {
      function: 'callCrm',
      errorType: 'Error',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 10.0.0.7:443',
    };
    const reset = { function: 'callCrm', errorType: 'Error', code: 'ECONNRESET', message: 'socket hang up' };
    expect(id(refused)).not.toBe(id(reset));
    const rules: FingerprintRule[] = [
      { match: { function: 'callCrm', errorType: 'Error' }, fingerprint: ['crm-down'] },
    ];
    const a = fingerprintFailure(refused, { rules });
    const b = fingerprintFailure(reset, { rules });
    expect(a.patternId).toBe(b.patternId);
    expect(a.patternId).toBe(patternIdOf(['fingerprint', 'crm-down']));
    expect(a.signature.fingerprint).toEqual(['crm-down']);
    // Category is still the failure's own unless a rule sets it.
    expect(a.category).toBe('network');
    // A failure the rule does not match keeps its own grouping.
    expect(id({ ...reset, function: 'callErp' }, rules)).toBe(id({ ...reset, function: 'callErp' }));
  });
});

describe('fingerprintFailure: properties', () => {
  const hexChar = fc.constantFrom(...'0123456789abcdef');
  // A random hex id has a digit and a letter; all-digit strings are numbers, which is a placeholder
  // of their own.
  const hexId = fc
    .string({ unit: hexChar, minLength: 8, maxLength: 40 })
    .filter((s) => /\d/.test(s) && /[a-f]/.test(s));
  const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
  const prefixed = fc
    .tuple(
      fc.constantFrom('req', 'cus', 'call', 'msg', 'run', 'thread', 'toolu'),
      fc.string({ unit: alnum, minLength: 12, maxLength: 28 }),
    )
    .map(([p, body]) => `${p}_${body}`);
  const date = fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true });
  const host = fc
    .array(
      fc.string({
        unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
        minLength: 1,
        maxLength: 12,
      }),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    .chain((labels) =>
      fc.constantFrom('com', 'io', 'dev', 'internal').map((tld) => [...labels, tld].join('.')),
    );
  const values = fc.record({
    n: fc.nat(),
    m: fc.integer({ min: -1_000_000, max: 1_000_000 }),
    x: fc.double({ min: 0.001, max: 1e6, noNaN: true }).map((v) => v.toFixed(3)),
    uuid: fc.uuid(),
    hex: hexId,
    id: prefixed,
    ip: fc.oneof(fc.ipV4(), fc.ipV6()),
    port: fc.integer({ min: 1, max: 65535 }),
    host,
    date,
    ms: fc.integer({ min: 1, max: 600_000 }),
  });
  type Values = typeof values extends fc.Arbitrary<infer T> ? T : never;
  const templates: ((v: Values) => string)[] = [
    (v) => `user ${v.n} not found (req ${v.hex})`,
    (v) => `run ${v.uuid} failed at ${v.date.toISOString()} after ${v.ms}ms`,
    (v) => `connect ECONNREFUSED ${v.ip}:${v.port}`,
    (v) => `getaddrinfo ENOTFOUND ${v.host}`,
    (v) =>
      `Rate limit reached for gpt-4o in organization org-${v.hex} on tokens per min (TPM): Limit ${v.n}, Used ${v.n}, Requested ${v.m}. Please try again in ${v.x}s.`,
    (v) => `duplicate key for ${v.id} with Key (id)=(${v.n}) on ${v.date.toUTCString()}`,
    (v) => `balance ${v.x} below ${v.m} for account ${v.id} (trace ${v.hex})`,
    (v) => `Connect Timeout Error (attempted address: ${v.host}:${v.port}, timeout: ${v.ms}ms)`,
  ];

  it('gives one id to a template filled with any random numbers, uuids, hex ids and the like', () => {
    fc.assert(
      fc.property(fc.nat({ max: templates.length - 1 }), values, values, (t, a, b) => {
        const fill = templates[t]!;
        expect(id({ function: 'tool', errorType: 'Error', message: fill(a) })).toBe(
          id({ function: 'tool', errorType: 'Error', message: fill(b) }),
        );
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fingerprintFailure: the memo of message facts', () => {
  // A rule that sets nothing applies to nothing, and any rule turns the memo off: the plain path.
  const plain = (f: FailureInput, category?: Category) =>
    fingerprintFailure(f, { rules: [{ match: {} }], ...(category === undefined ? {} : { category }) });

  it('gives what the plain path gives, failures repeating or not', () => {
    const failure = fc.record(
      {
        function: fc.constantFrom('search', 'book', ' search '),
        errorType: fc.constantFrom('TypeError', 'APICallError', 'Error'),
        message: fc.constantFrom(
          'Rate limit reached, retry in 3s',
          "Cannot read properties of undefined (reading 'amount')",
          '"currency" is required (request req_1x)',
          'timeout of 1500ms exceeded',
          '',
        ),
        status: fc.constantFrom(429, 500, 1.5),
        code: fc.constantFrom('ETIMEDOUT', 'null'),
        stack: fc.constantFrom('RangeError [ERR_OUT_OF_RANGE]: index 7 out of range\n    at f (a.js:1:1)'),
        input: fc.constantFrom(null, { q: 'x' }, [1, 2]),
      },
      { requiredKeys: ['function'] },
    );
    // A verdict gives the category; the same message with and without one keeps each its own.
    const given = fc.constantFrom(undefined, 'wrong_answer' as const, 'rate_limit' as const);
    fc.assert(
      fc.property(fc.array(fc.tuple(failure, given), { maxLength: 40 }), (failures) => {
        for (const [f, category] of failures) {
          const options = category === undefined ? {} : { category };
          expect(fingerprintFailure(f, options)).toEqual(plain(f, category));
        }
      }),
    );
  });

  it('gives the id, category and message computed from scratch, for arbitrary facts repeating or not', () => {
    // Small pools of arbitrary strings, so that failures repeat, share a message or a function, and
    // hold the characters a composed key would have to escape.
    const pool = (unit: fc.Arbitrary<string>) =>
      fc.array(fc.string({ unit, maxLength: 12 }), { minLength: 1, maxLength: 4 });
    const unit = fc.oneof(
      fc.constantFrom('"', '\\', '|', ',', '[', '\u0000', ' ', '7', 'x'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    );
    const run = fc
      .record({ fns: pool(unit), types: pool(unit), messages: pool(unit), codes: pool(unit) })
      .chain(({ fns, types, messages, codes }) =>
        fc.array(
          fc.record({
            function: fc.constantFrom(...fns),
            errorType: fc.constantFrom(...types),
            message: fc.constantFrom(...messages),
            status: fc.constantFrom(undefined, 0, 429, 503),
            code: fc.constantFrom(undefined, ...codes),
            category: fc.constantFrom(undefined, 'wrong_answer' as const, 'timeout' as const),
          }),
          { maxLength: 30 },
        ),
      );
    fc.assert(
      fc.property(run, (failures) => {
        for (const { category: given, ...f } of failures) {
          const got = fingerprintFailure(f, given === undefined ? {} : { category: given });
          const facts = { ...f, function: f.function.trim(), errorType: f.errorType.trim() };
          const message = f.message.slice(0, MAX_RAW_MESSAGE_LENGTH);
          const category = given ?? categorizeFailure({ ...facts, message });
          const normalizedMessage = normalizeMessage(message);
          const canonical = JSON.stringify([
            facts.function,
            facts.errorType,
            facts.code ?? null,
            facts.status ?? null,
            normalizedMessage,
            category,
          ]);
          const patternId = `pat_${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
          expect({
            patternId: got.patternId,
            category: got.category,
            normalizedMessage: got.normalizedMessage,
          }).toEqual({ patternId, category, normalizedMessage });
        }
      }),
    );
  });

  it('keeps the fingerprint of each failure its own: the value shapes are never memoised', () => {
    const base = { function: 'search', errorType: 'TypeError', message: 'x is undefined' };
    const first = fingerprintFailure({ ...base, input: { a: 1 } });
    const second = fingerprintFailure({ ...base, input: ['a'] });
    expect(second.patternId).toBe(first.patternId);
    expect(second.signature.inputShape).not.toEqual(first.signature.inputShape);
    expect(second.signature.inputShape).toEqual(plain({ ...base, input: ['a'] }).signature.inputShape);
  });

  it('holds at most MESSAGE_MEMO_LIMIT distinct failures', () => {
    for (let i = 0; i < MESSAGE_MEMO_LIMIT + 10; i++) {
      fingerprintFailure({ function: 'bound', message: `distinct failure ${i}` });
      expect(messageMemoSize()).toBeLessThanOrEqual(MESSAGE_MEMO_LIMIT);
    }
    expect(messageMemoSize()).toBeGreaterThan(0);
  });
});
