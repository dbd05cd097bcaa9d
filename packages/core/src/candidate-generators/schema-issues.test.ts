import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../normalize-message.js';
import { schemaIssues } from './schema-issues.js';

// Messages as the libraries print them, normalised as the fingerprint stores them.
const issuesOf = (raw: string) => schemaIssues(normalizeMessage(raw));

describe('schemaIssues', () => {
  it('reads zod issue lists field by field', () => {
    const zod = (code: string, path: string, message: string, extra = '') =>
      `[\n  {\n    "code": "${code}",${extra}\n    "path": [\n      "${path}"\n    ],\n    "message": "${message}"\n  }\n]`;
    expect(issuesOf(zod('invalid_type', 'amount', 'Expected number, received string'))).toEqual([
      { problem: 'type', field: 'amount', expected: 'number' },
    ]);
    expect(issuesOf(zod('invalid_type', 'units', 'Expected string, received undefined'))).toEqual([
      { problem: 'missing', field: 'units' },
    ]);
    expect(
      issuesOf(
        zod(
          'invalid_enum_value',
          'role',
          "Invalid enum value. Expected 'user' | 'assistant', received 'bot'",
          '\n    "options": [\n      "user",\n      "assistant"\n    ],',
        ),
      ),
    ).toEqual([{ problem: 'enum', field: 'role', allowed: ['user', 'assistant'] }]);
    expect(issuesOf(zod('too_small', 'query', 'Too small: expected string to have >=3 characters'))).toEqual([
      {
        problem: 'constraint',
        field: 'query',
        detail: 'Too small: expected string to have >=<int> characters',
      },
    ]);
    expect(
      issuesOf('[ { "code": "unrecognized_keys", "keys": [ "foo", "bar" ], "path": [], "message": "x" } ]'),
    ).toEqual([
      { problem: 'unknown', field: 'foo' },
      { problem: 'unknown', field: 'bar' },
    ]);
  });

  it('reads pydantic issues, dropping the location prefix', () => {
    const raw =
      '422 {"detail":[{"type":"missing","loc":["body","amount"],"msg":"Field required","input":{"currency":"EUR"}}]}';
    expect(issuesOf(raw)).toEqual([{ problem: 'missing', field: 'amount' }]);
  });

  it('reads the sentences of ajv, HTTP APIs, MCP, PostgreSQL and OpenAI', () => {
    expect(issuesOf("data must have required property 'email'")).toEqual([
      { problem: 'missing', field: 'email' },
    ]);
    expect(issuesOf('422 Unprocessable Entity: "currency" is required (request_id=req_8f2a)')).toEqual([
      { problem: 'missing', field: 'currency' },
    ]);
    expect(issuesOf("The field 'currency' is required")).toEqual([{ problem: 'missing', field: 'currency' }]);
    expect(issuesOf("400 Missing required parameter: 'model'.")).toEqual([
      { problem: 'missing', field: 'model' },
    ]);
    expect(issuesOf('currency: Required')).toEqual([{ problem: 'missing', field: 'currency' }]);
    expect(issuesOf('null value in column "email" of relation "users" violates not-null constraint')).toEqual(
      [{ problem: 'missing', field: 'email' }],
    );
    expect(issuesOf('400 Unrecognized request argument supplied: tool_choise')).toEqual([
      { problem: 'unknown', field: 'tool_choise' },
    ]);
    expect(issuesOf('unknown field "foo"')).toEqual([{ problem: 'unknown', field: 'foo' }]);
    expect(issuesOf('data must NOT have additional properties')).toEqual([{ problem: 'unknown' }]);
    expect(issuesOf('data/items/3 must be integer')).toEqual([
      { problem: 'type', field: 'items', expected: 'integer' },
    ]);
    expect(issuesOf('data must be object')).toEqual([{ problem: 'type', expected: 'object' }]);
    expect(
      issuesOf(
        'MCP error -32602: Input validation error: Invalid arguments for tool convert_amount: amount: expected number, received string',
      ),
    ).toEqual([{ problem: 'type', field: 'amount', expected: 'number' }]);
    expect(issuesOf('Field "amount" must be a number')).toEqual([
      { problem: 'type', field: 'amount', expected: 'number' },
    ]);
    expect(issuesOf('expected `amount` to be a number, got "abc"')).toEqual([
      { problem: 'type', field: 'amount', expected: 'number' },
    ]);
    expect(issuesOf("Invalid value for 'mode': must be one of 'fast', 'slow'")).toEqual([
      { problem: 'enum', field: 'mode', allowed: ['fast', 'slow'] },
    ]);
    expect(issuesOf('data/age must be >= 18')).toEqual([
      { problem: 'constraint', field: 'age', detail: 'must be >= <int>' },
    ]);
  });

  it('finds nothing in errors that name no field', () => {
    expect(issuesOf('No object generated: response did not match schema.')).toEqual([]);
    expect(issuesOf('invalid input syntax for type integer: "abc"')).toEqual([]);
    expect(schemaIssues('')).toEqual([]);
  });
});
