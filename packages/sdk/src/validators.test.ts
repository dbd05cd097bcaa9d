import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PendingLimit } from './pending-limit.js';
import {
  NOT_VALIDATED,
  type StandardSchemaV1,
  ValidationError,
  type ValidationFailure,
  validateOutput,
} from './validators.js';

const invoice = z.object({ total: z.number(), lines: z.array(z.object({ sku: z.string() })) });

describe('validateOutput', () => {
  it('passes valid output through zod (Standard Schema) synchronously', () => {
    expect(validateOutput([invoice], { total: 3, lines: [{ sku: 'a' }] }, [])).toBeUndefined();
  });

  it('names the paths of every zod issue', () => {
    const failure = validateOutput([invoice], { total: '3', lines: [{ sku: 1 }] }, []);
    expect(failure).toBeDefined();
    expect(failure).not.toBeInstanceOf(Promise);
    const { message, issues } = failure as ValidationFailure;
    expect(issues.map((i) => i.path)).toEqual(['total', 'lines.0.sku']);
    expect(message).toMatch(/^output failed validation: total: .+; lines\.0\.sku: .+/);
  });

  it('accepts a function validator given output and input', () => {
    const notEmpty = (out: string, input: readonly unknown[]) =>
      out.length > 0 ? true : `empty answer to ${input[0]}`;
    expect(validateOutput([notEmpty], 'x', ['q'])).toBeUndefined();
    expect(validateOutput([notEmpty], '', ['q'])).toEqual({
      message: 'output failed validation: (root): empty answer to q',
      issues: [{ path: '(root)', message: 'empty answer to q' }],
    });
  });

  it('turns a throwing validator into a failure', () => {
    const broken = () => {
      throw new Error('boom');
    };
    expect(validateOutput([broken], 1, [])).toMatchObject({
      message: 'output failed validation: (validator): validator threw: boom',
    });
  });

  it('supports asynchronous Standard Schemas and reports the first failure in order', async () => {
    const asyncSchema: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) =>
          value === 'ok' ? { value } : { issues: [{ message: 'not ok', path: [{ key: 'a' }, 0] }] },
      },
    };
    const result = validateOutput([asyncSchema, () => 'second'], 'bad', []);
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toMatchObject({ issues: [{ path: 'a.0', message: 'not ok' }] });
    expect(await validateOutput([asyncSchema, () => 'second'], 'ok', [])).toMatchObject({
      issues: [{ message: 'second' }],
    });
  });

  it('awaits function validators that answer with a promise', async () => {
    expect(await validateOutput([async () => true], 1, [])).toBeUndefined();
    expect(await validateOutput([async () => false], 1, [])).toMatchObject({
      issues: [{ path: '(root)', message: 'rejected by validator' }],
    });
    expect(await validateOutput([async () => 'too small'], 1, [])).toMatchObject({
      issues: [{ path: '(root)', message: 'too small' }],
    });
  });

  it('gives a validator that never answers until the timeout, then fails the output', async () => {
    const pending = () => new Promise<true>(() => undefined);
    const result = validateOutput([pending], 1, [], { timeoutMs: 20, keepAlive: false });
    expect(await result).toEqual({
      message: 'output failed validation: (validator): validator did not settle within 20 ms',
      issues: [{ path: '(validator)', message: 'validator did not settle within 20 ms' }],
    });
  });

  it('with a full bound on waiting runs, validates while validators answer at once and stops at one that answers later', () => {
    const pending = new PendingLimit(1);
    pending.wait(new Promise(() => undefined));
    const limits = { timeoutMs: 20, keepAlive: false, pending };
    const later = async () => true;
    expect(validateOutput([() => true], 1, [], limits)).toBeUndefined();
    expect(validateOutput([() => 'wrong', later], 1, [], limits)).toMatchObject({ message: /wrong/ });
    expect(validateOutput([() => true, later], 1, [], limits)).toBe(NOT_VALIDATED);
    expect(pending.admits(later)).toBe(false);
  });

  it('names at most 50 issues', () => {
    const many: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => ({ issues: Array.from({ length: 10_000 }, (_, i) => ({ message: `issue ${i}` })) }),
      },
    };
    const failure = validateOutput([many], 1, []);
    expect((failure as { issues: unknown[] }).issues).toHaveLength(50);
  });

  it('has an error class named ValidationError carrying the issues', () => {
    const error = new ValidationError({ message: 'm', issues: [{ path: 'a', message: 'b' }] });
    expect(error.name).toBe('ValidationError');
    expect(error.issues).toEqual([{ path: 'a', message: 'b' }]);
    expect(error).toBeInstanceOf(Error);
  });
});
