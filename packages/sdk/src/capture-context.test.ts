import { describe, expect, it } from 'vitest';
import {
  type CaptureOptions,
  captureValue,
  describeError,
  errorCode,
  errorStatus,
  errorType,
  failureEvent,
} from './capture-context.js';

const options: CaptureOptions = {
  agentId: 'a1',
  bounds: { maxStringLength: 50 },
  redact: {},
  key: 'arc_test-key-0123456789abcdef',
};

describe('capture', () => {
  it('names error types by name, then by subclass, and names thrown non-errors', () => {
    class QuotaError extends Error {}
    const named = Object.assign(new Error('x'), { name: 'APICallError' });
    expect(errorType(new TypeError('x'))).toBe('TypeError');
    expect(errorType(new QuotaError('x'))).toBe('QuotaError');
    expect(errorType(named)).toBe('APICallError');
    expect(errorType('oops')).toBe('ThrownString');
    expect(errorType(undefined)).toBe('ThrownUndefined');
    expect(errorType(null)).toBe('ThrownNull');
    expect(errorType({ message: 'm' })).toBe('ThrownObject');
  });

  it('finds status and code on the error, its response, or down its cause chain', () => {
    expect(errorStatus({ status: 429 })).toBe(429);
    expect(errorStatus({ statusCode: '503' })).toBe(503);
    expect(errorStatus({ response: { status: 401 } })).toBe(401);
    expect(errorStatus(new Error('wrapped', { cause: { cause: { status: 504 } } }))).toBe(504);
    expect(errorStatus({ status: 42 })).toBeUndefined();
    expect(errorCode(new Error('x', { cause: Object.assign(new Error('y'), { code: 'ETIMEDOUT' }) }))).toBe(
      'ETIMEDOUT',
    );
    expect(errorCode({ code: 23505 })).toBe(23505);
    // The server takes an integer code, and refuses the whole batch for one that is not.
    expect(errorCode({ code: 1.5, cause: { code: 'EPIPE' } })).toBe('EPIPE');
    expect(errorCode({ code: 2 ** 60 })).toBeUndefined();
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(errorStatus(hostile)).toBeUndefined();
  });

  it('redacts and bounds messages and stacks, and describes thrown non-errors', () => {
    const error = new Error(
      `login failed: Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789 ${'z'.repeat(5000)}`,
    );
    const described = describeError(error, options);
    expect(described.message).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
    expect(described.message).toMatch(/…\[truncated \d+ chars\]$/);
    expect(described.stack).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
    expect(describeError('plain', options)).toEqual({ type: 'ThrownString', message: 'plain' });
    expect(describeError({ detail: 1 }, options)).toEqual({ type: 'ThrownObject', message: '{"detail":1}' });
  });

  it('redacts and bounds the error type, which the host may set to any text', () => {
    const secret = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3i';
    const error = Object.assign(new Error('m'), { name: `AuthError for ${secret} ${'n'.repeat(5000)}` });
    const { type } = describeError(error, options);
    expect(type).toMatch(/^AuthError for \[REDACTED:openai_key\] n+…\[truncated \d+ chars\]$/);
    expect(type.length).toBeLessThan(300);
  });

  it('redacts a text or a value before cutting it, so that a secret across the cut keeps no head', () => {
    // test_wire_redaction.py's case: the same key, the same bounds, the same output.
    const key = 'sk-proj-Hn3K9xq2LmV8wRtYbZc1NdPe7FgQj5Sa0UoIi6ThGk2Jr';
    const { message } = describeError(new Error(`${'x'.repeat(4080)} ${key}`), options);
    expect(message).toBe(`${'x'.repeat(4080)} [REDACTED:opena…[truncated 6 chars]`);
    const thrown = describeError({ message: { detail: `${'z'.repeat(40)} ${key}` } }, options);
    expect(thrown.message).toBe(`{"detail":"${'z'.repeat(40)} [REDACTED…[truncated 12 chars]"}`);
    const copy = captureValue({ text: `${'y'.repeat(8180)} ${key}` }, { ...options, bounds: {} });
    expect(copy).toEqual({ text: `${'y'.repeat(8180)} [REDACTED:o…[truncated 10 chars]` });
  });

  it('copies values JSON-safe, bounded and redacted', () => {
    const input: Record<string, unknown> = {
      apiKey: 'secret-value-123',
      text: 'y'.repeat(100),
      when: new Date(0),
    };
    input.self = input;
    expect(captureValue(input, options)).toEqual({
      apiKey: '[REDACTED]',
      text: `${'y'.repeat(50)}…[truncated 50 chars]`,
      when: '1970-01-01T00:00:00.000Z',
      self: '[Circular]',
    });
  });

  it('builds a failure event with the attempt, fixes and tags', () => {
    const event = failureEvent(
      {
        function: 'f',
        input: [1],
        startedAt: 1000,
        durationMs: 5,
        attempt: 2,
        fixIds: ['fx'],
        tags: { canary: 'treatment' },
      },
      new RangeError('r'),
      options,
      { partial: true },
    );
    expect(event).toMatchObject({
      kind: 'failure',
      function: 'f',
      agentId: 'a1',
      timestamp: 1000,
      durationMs: 5,
      attempt: 2,
      input: [1],
      output: { partial: true },
      fixIds: ['fx'],
      tags: { canary: 'treatment' },
      error: { type: 'RangeError', message: 'r' },
    });
    expect(typeof event.id).toBe('string');
  });
});
