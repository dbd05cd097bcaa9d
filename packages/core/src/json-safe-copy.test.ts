import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CIRCULAR_MARKER,
  DEFAULT_JSON_BOUNDS,
  type JsonBounds,
  MAX_DEPTH_MARKER,
  MORE_KEYS_KEY,
  resolveBounds,
  toJsonSafe,
  UNREADABLE_MARKER,
  watchedJsonSafe,
} from './json-safe-copy.js';

/** Longest marker a cut string ends with, for the largest counts these tests can produce. */
const TRUNCATION_MARKER_LENGTH = '…[truncated 9999999999 chars]'.length;

interface Shape {
  depth: number;
  maxKeys: number;
  maxItems: number;
  maxString: number;
}

/** Checks the value holds JSON types only and measures it; throws on anything else. */
function measure(value: unknown, depth = 0): Shape {
  const shape: Shape = { depth: 0, maxKeys: 0, maxItems: 0, maxString: 0 };
  const merge = (inner: Shape) => {
    shape.depth = Math.max(shape.depth, inner.depth);
    shape.maxKeys = Math.max(shape.maxKeys, inner.maxKeys);
    shape.maxItems = Math.max(shape.maxItems, inner.maxItems);
    shape.maxString = Math.max(shape.maxString, inner.maxString);
  };
  if (value === null || typeof value === 'boolean') return shape;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw new Error(`not JSON: ${value}`);
    return shape;
  }
  if (typeof value === 'string') return { ...shape, maxString: value.length };
  if (Array.isArray(value)) {
    shape.depth = depth + 1;
    shape.maxItems = value.length;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new Error('hole in array');
      merge(measure(value[i], depth + 1));
    }
    return shape;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    shape.depth = depth + 1;
    const keys = Object.keys(value);
    shape.maxKeys = keys.length;
    for (const key of keys) {
      merge({ depth: 0, maxKeys: 0, maxItems: 0, maxString: key.length });
      merge(measure((value as Record<string, unknown>)[key], depth + 1));
    }
    return shape;
  }
  throw new Error(`not JSON: ${String(value)}`);
}

function expectJsonRoundTrip(value: unknown): void {
  const text = JSON.stringify(value);
  expect(typeof text).toBe('string');
  expect(JSON.parse(text)).toEqual(value);
  expect(JSON.stringify(JSON.parse(text))).toBe(text);
}

describe('toJsonSafe: types', () => {
  it('keeps JSON values as they are, in a new object', () => {
    const input = { a: 1, b: 'x', c: [true, null, { d: -2.5 }] };
    const copy = toJsonSafe(input);
    expect(copy).toEqual(input);
    expect(copy).not.toBe(input);
  });

  it('turns numbers JSON cannot hold into null, and -0 into 0', () => {
    expect(toJsonSafe([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0])).toEqual([
      null,
      null,
      null,
      0,
    ]);
    expect(Object.is(toJsonSafe(-0), 0)).toBe(true);
  });

  it('writes BigInt as its decimal string', () => {
    expect(toJsonSafe({ big: 12345678901234567890n, neg: -5n })).toEqual({
      big: '12345678901234567890',
      neg: '-5',
    });
  });

  it('drops undefined from objects and writes null in arrays, like JSON', () => {
    expect(toJsonSafe({ a: undefined, b: 1 })).toEqual({ b: 1 });
    expect(toJsonSafe([undefined, 1])).toEqual([null, 1]);
    // biome-ignore lint/suspicious/noSparseArray: holes are the point
    expect(toJsonSafe([1, , 3])).toEqual([1, null, 3]);
    expect(toJsonSafe(undefined)).toBeNull();
  });

  it('marks functions and symbols instead of dropping them', () => {
    function namedTool() {}
    expect(toJsonSafe({ f: namedTool, g: () => 1, s: Symbol('id') })).toEqual({
      f: '[Function: namedTool]',
      g: '[Function: g]',
      s: '[Symbol(id)]',
    });
    expect(
      toJsonSafe([
        Symbol(),
        (
          () => () =>
            0
        )(),
      ]),
    ).toEqual(['[Symbol()]', '[Function]']);
  });

  it('writes dates as ISO strings and invalid dates as null', () => {
    expect(toJsonSafe({ at: new Date(Date.UTC(2025, 2, 14, 7, 5)) })).toEqual({
      at: '2025-03-14T07:05:00.000Z',
    });
    expect(toJsonSafe(new Date(Number.NaN))).toBeNull();
  });

  it('keeps name, message, code, status, stack, cause and own fields of errors', () => {
    const cause = new TypeError('socket hang up');
    const error = Object.assign(new Error('request failed', { cause }), {
      code: 'ECONNRESET',
      status: 502,
      details: { host: 'api.example.com' },
    });
    const copy = toJsonSafe(error) as Record<string, unknown>;
    expect(copy).toMatchObject({
      name: 'Error',
      message: 'request failed',
      code: 'ECONNRESET',
      status: 502,
      details: { host: 'api.example.com' },
      cause: { name: 'TypeError', message: 'socket hang up' },
    });
    expect(copy.stack).toContain('request failed');
    expect(Object.keys(copy).slice(0, 5)).toEqual(['name', 'message', 'code', 'status', 'stack']);
  });

  it('lists the errors of an AggregateError and stops at an error that causes itself', () => {
    const looping = new Error('loop');
    (looping as { cause?: unknown }).cause = looping;
    const copy = toJsonSafe(new AggregateError([new Error('a'), looping], 'all failed')) as {
      errors: Record<string, unknown>[];
    };
    expect(copy.errors.map((e) => e.message)).toEqual(['a', 'loop']);
    expect(copy.errors[1]!.cause).toBe(CIRCULAR_MARKER);
  });

  it('turns string-keyed Maps into objects and other Maps into [key, value] pairs', () => {
    expect(
      toJsonSafe(
        new Map([
          ['authorization', 'x'],
          ['accept', 'json'],
        ]),
      ),
    ).toEqual({
      authorization: 'x',
      accept: 'json',
    });
    expect(
      toJsonSafe(
        new Map<unknown, unknown>([
          [1, 'one'],
          [{ id: 2 }, 'two'],
        ]),
      ),
    ).toEqual([
      [1, 'one'],
      [{ id: 2 }, 'two'],
    ]);
    expect(toJsonSafe(new Set([1, 'a', 1]))).toEqual([1, 'a']);
  });

  it('summarises binary data instead of copying it', () => {
    expect(
      toJsonSafe({
        bytes: new Uint8Array(1024),
        floats: new Float64Array(3),
        buffer: new ArrayBuffer(16),
        view: new DataView(new ArrayBuffer(8)),
      }),
    ).toEqual({
      bytes: '[Uint8Array(1024)]',
      floats: '[Float64Array(3)]',
      buffer: '[ArrayBuffer(16 bytes)]',
      view: '[DataView(8 bytes)]',
    });
  });

  it('copies own enumerable fields of class instances, not their prototype', () => {
    class Invoice {
      readonly id = 'inv_1';
      total = 12;
      get doubled() {
        return this.total * 2;
      }
      describe() {
        return this.id;
      }
    }
    expect(toJsonSafe(new Invoice())).toEqual({ id: 'inv_1', total: 12 });
  });

  it('unwraps boxed primitives, prints regular expressions and honours toJSON', () => {
    expect(toJsonSafe([Object('s'), Object(2), Object(false), Object(3n), /a+b/gi])).toEqual([
      's',
      2,
      false,
      '3',
      '/a+b/gi',
    ]);
    expect(toJsonSafe({ url: new URL('https://example.com/a?b=1') })).toEqual({
      url: 'https://example.com/a?b=1',
    });
    expect(toJsonSafe({ money: { toJSON: () => ({ amount: '12.50', currency: 'EUR' }) } })).toEqual({
      money: { amount: '12.50', currency: 'EUR' },
    });
  });

  it('marks values whose getters, traps or toJSON throw, and carries on', () => {
    const hostile = {
      ok: 1,
      get broken(): never {
        throw new Error('boom');
      },
    };
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
        getPrototypeOf() {
          throw new Error('no prototype');
        },
      },
    );
    const badToJson = {
      toJSON() {
        throw new Error('nope');
      },
    };
    expect(toJsonSafe({ hostile, trap, badToJson, after: 'still here' })).toEqual({
      hostile: { ok: 1, broken: UNREADABLE_MARKER },
      trap: UNREADABLE_MARKER,
      badToJson: UNREADABLE_MARKER,
      after: 'still here',
    });
  });

  it('marks cycles but repeats shared, acyclic references', () => {
    const shared = { n: 1 };
    const node: Record<string, unknown> = { shared, again: shared, list: [] };
    node.self = node;
    (node.list as unknown[]).push(node, shared);
    expect(toJsonSafe(node)).toEqual({
      shared: { n: 1 },
      again: { n: 1 },
      list: [CIRCULAR_MARKER, { n: 1 }],
      self: CIRCULAR_MARKER,
    });
  });

  it('keeps a "__proto__" key as data, without touching prototypes', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}');
    const copy = toJsonSafe(parsed) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('toJsonSafe: bounds', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_JSON_BOUNDS).toEqual({
      maxStringLength: 8192,
      maxDepth: 8,
      maxKeys: 200,
      maxItems: 200,
      maxTotalSize: 65536,
    });
    expect(Object.isFrozen(DEFAULT_JSON_BOUNDS)).toBe(true);
  });

  it('cuts long strings and says how much was cut', () => {
    const copy = toJsonSafe('x'.repeat(20_345)) as string;
    expect(copy).toBe(`${'x'.repeat(8192)}…[truncated 12153 chars]`);
    expect(toJsonSafe({ ['k'.repeat(30)]: 1 }, { maxStringLength: 10 })).toEqual({
      'kkkkkkkkkk…[truncated 20 chars]': 1,
    });
  });

  it('never splits a surrogate pair when cutting', () => {
    const copy = toJsonSafe(`ab${'😀'.repeat(10)}`, { maxStringLength: 5 }) as string;
    expect(copy).toBe('ab😀…[truncated 18 chars]');
  });

  it('replaces containers deeper than maxDepth', () => {
    const deep = { a: { b: { c: { d: 1 } } } };
    expect(toJsonSafe(deep, { maxDepth: 2 })).toEqual({ a: { b: MAX_DEPTH_MARKER } });
    expect(toJsonSafe([[[1]]], { maxDepth: 0 })).toBe(MAX_DEPTH_MARKER);
    expect(toJsonSafe('leaf', { maxDepth: 0 })).toBe('leaf');
  });

  it('keeps maxKeys keys and maxItems items, and counts the rest', () => {
    const wide = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    expect(toJsonSafe(wide, { maxKeys: 3 })).toEqual({
      k0: 0,
      k1: 1,
      k2: 2,
      [MORE_KEYS_KEY]: '[7 more keys]',
    });
    expect(
      toJsonSafe(
        Array.from({ length: 10 }, (_, i) => i),
        { maxItems: 4 },
      ),
    ).toEqual([0, 1, 2, 3, '…[6 more]']);
    expect(toJsonSafe(new Set(Array.from({ length: 1000 }, (_, i) => i)), { maxItems: 2 })).toEqual([
      0,
      1,
      '…[998 more]',
    ]);
    expect(toJsonSafe(new Map(Array.from({ length: 5 }, (_, i) => [`k${i}`, i])), { maxKeys: 1 })).toEqual({
      k0: 0,
      [MORE_KEYS_KEY]: '[4 more keys]',
    });
  });

  it('stays near maxTotalSize, marking what the budget dropped', () => {
    const big = { log: Array.from({ length: 1000 }, (_, i) => ({ line: i, text: 'y'.repeat(100) })) };
    const copy = toJsonSafe(big, { maxTotalSize: 2000, maxItems: 5000 }) as { log: unknown[] };
    const size = JSON.stringify(copy).length;
    expect(size).toBeLessThanOrEqual(2000 + 200);
    expect(copy.log.at(-1)).toMatch(/^…\[\d+ more\]$/);
    expect(copy.log.length).toBeGreaterThan(5);
  });

  it('fills a partial bounds object from the defaults and ignores invalid values', () => {
    const long = 'z'.repeat(9000);
    expect((toJsonSafe(long, { maxDepth: 1 }) as string).length).toBe(8192 + '…[truncated 808 chars]'.length);
    expect((toJsonSafe(long, { maxStringLength: -1 }) as string).startsWith('z'.repeat(8192))).toBe(true);
    expect(toJsonSafe(long, { maxStringLength: Number.NaN })).toBe(toJsonSafe(long));
  });

  it('does not walk a huge array or Set beyond the bounds', () => {
    const huge = new Array(1e9);
    expect(toJsonSafe(huge, { maxItems: 2 })).toEqual([null, null, '…[999999998 more]']);
  });
});

const anything = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  stringUnit: 'binary',
});

const smallBounds = fc.record({
  maxStringLength: fc.integer({ min: 0, max: 40 }),
  maxDepth: fc.integer({ min: 0, max: 5 }),
  maxKeys: fc.integer({ min: 0, max: 6 }),
  maxItems: fc.integer({ min: 0, max: 6 }),
  maxTotalSize: fc.integer({ min: 0, max: 600 }),
});

describe('watchedJsonSafe: beforeCut', () => {
  it('gives it only the strings to be cut, and cuts what it returns, counting what that loses', () => {
    const seen: string[] = [];
    const shorten = (text: string) => {
      seen.push(text);
      return { text: text.replaceAll('secret', 'S'), unread: 0 };
    };
    const bounds = resolveBounds({ maxStringLength: 10 });
    const copy = watchedJsonSafe({ short: 'fits', long: 'a secret b secret c' }, bounds, undefined, shorten);
    expect(seen).toEqual(['a secret b secret c']);
    expect(copy).toEqual({ short: 'fits', long: 'a S b S c' });
    const cut = watchedJsonSafe(['x secret y secret z secret'], bounds, undefined, shorten);
    expect(cut).toEqual(['x S y S z …[truncated 1 chars]']);
  });

  it('counts what it left unread among what the cut loses', () => {
    const head = (text: string, max: number) => ({
      text: text.slice(0, max + 5),
      unread: text.length - max - 5,
    });
    const cut = watchedJsonSafe('a'.repeat(100), resolveBounds({ maxStringLength: 10 }), undefined, head);
    expect(cut).toBe(`${'a'.repeat(10)}…[truncated 90 chars]`);
  });
});

describe('toJsonSafe: properties', () => {
  it('never throws, and its result round-trips through JSON', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const copy = toJsonSafe(value);
        measure(copy);
        expectJsonRoundTrip(copy);
      }),
      { numRuns: 500 },
    );
  });

  it('respects every bound', () => {
    fc.assert(
      fc.property(anything, smallBounds, (value, bounds: JsonBounds) => {
        const copy = toJsonSafe(value, bounds);
        const shape = measure(copy);
        expectJsonRoundTrip(copy);
        expect(shape.depth).toBeLessThanOrEqual(bounds.maxDepth);
        expect(shape.maxKeys).toBeLessThanOrEqual(bounds.maxKeys + 1);
        expect(shape.maxItems).toBeLessThanOrEqual(bounds.maxItems + 1);
        expect(shape.maxString).toBeLessThanOrEqual(
          Math.max(bounds.maxStringLength + TRUNCATION_MARKER_LENGTH, '[4294967295 more keys]'.length),
        );
        // Past the budget, each open container adds one marker and one cut value at most.
        const slack = (bounds.maxDepth + 1) * (2 * TRUNCATION_MARKER_LENGTH + 8);
        expect(JSON.stringify(copy).length).toBeLessThanOrEqual(bounds.maxTotalSize + slack);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a string whole exactly when its JSON text fits the budget', () => {
    // Short and long strings (the escape check differs by length), escapes and lone surrogates included.
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({
        unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\ud800', '\udc00', 'é'),
        maxLength: 80,
      }),
    );
    fc.assert(
      fc.property(text, (value) => {
        const size = JSON.stringify(value).length;
        expect(toJsonSafe(value, { maxTotalSize: size })).toBe(value);
        expect(toJsonSafe(value, { maxTotalSize: size - 1 })).not.toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves its input untouched', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const before = JSON.stringify(value);
        toJsonSafe(value, { maxDepth: 2, maxKeys: 2, maxItems: 2, maxStringLength: 3 });
        expect(JSON.stringify(value)).toBe(before);
      }),
    );
  });
});
