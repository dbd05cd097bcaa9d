import { fingerprintFailure } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import {
  AgentOutputError,
  AgentOutputParseError,
  AgentOutputShapeError,
  MissingParameterError,
  ParameterTypeError,
  UnknownFunctionError,
  UnknownParameterError,
  validateAgentOutput,
} from './agent-output-validation.js';
import type { AgentTool } from './tool-call-format.js';

const area: AgentTool = {
  name: 'calculate_area',
  parameters: {
    type: 'object',
    properties: {
      radius: { type: 'integer' },
      scale: { type: 'number' },
      unit: { type: 'string', enum: ['cm', 'm'] },
      tags: { type: 'array', items: { type: 'string' } },
      where: {
        type: 'object',
        properties: { x: { type: 'integer' } },
        required: ['x'],
        additionalProperties: false,
      },
      extra: { type: 'object' },
      data: {},
    },
    required: ['radius', 'unit'],
    additionalProperties: false,
  },
};

function failure(text: string): AgentOutputError {
  try {
    validateAgentOutput(text, [area]);
  } catch (error) {
    if (error instanceof AgentOutputError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to fail`);
}

const described = (e: Error) => `${e.name}: ${e.message}`;

describe('validateAgentOutput', () => {
  it('returns the calls when they fit the tools; a lone call is a list of one, [] no call', () => {
    const call =
      '{"name": "calculate_area", "arguments": {"radius": 2, "unit": "cm", "scale": 1, "where": {"x": 1}, "extra": {"a": [1]}, "data": null}}';
    const expected = {
      name: 'calculate_area',
      arguments: { radius: 2, unit: 'cm', scale: 1, where: { x: 1 }, extra: { a: [1] }, data: null },
    };
    expect(validateAgentOutput(` [${call}, ${call}]\n`, [area])).toEqual([expected, expected]);
    expect(validateAgentOutput(` ${call}\n`, [area])).toEqual([expected]);
    expect(validateAgentOutput('[]', [area])).toEqual([]);
  });

  it('reports text that is not JSON with JSON.parse own words', () => {
    const error = failure('Here is the call: {"name": "calculate_area"}');
    expect(error).toBeInstanceOf(AgentOutputParseError);
    expect(described(error)).toBe(
      `AgentOutputParseError: Unexpected token 'H', "[Here is th"... is not valid JSON`,
    );
    expect(described(failure('{"name": "calculate_area", "arguments": {"radius": 1'))).toMatch(
      /^AgentOutputParseError: Expected ',' or '}' after property value in JSON at position \d+/,
    );
    expect(described(failure('[{"name": "calculate_area"'))).toMatch(/^AgentOutputParseError: /);
  });

  it.each([
    ['[1]', 'call 0 should be a JSON object, got integer'],
    ['{"arguments": {}}', 'call 0 misses "name"'],
    [
      '[{"name": "calculate_area", "arguments": {}}, {"name": 3, "arguments": {}}]',
      'call 1: "name" should be a string, got integer',
    ],
    ['{"name": "calculate_area", "parameters": {}}', 'call 0 misses "arguments"'],
    [
      '{"name": "calculate_area", "arguments": "radius=2"}',
      'call 0: "arguments" should be an object, got string',
    ],
    [
      '{"name": "calculate_area", "arguments": {}, "description": "x"}',
      'call 0 has an unexpected key, got "description"',
    ],
  ])('reports JSON that is not a list of calls: %s', (text, problem) => {
    const error = failure(text);
    expect(error).toBeInstanceOf(AgentOutputShapeError);
    expect(error.message).toBe(`output is not a list of function calls: ${problem}`);
  });

  it('reports an unknown function', () => {
    const error = failure('{"name": "calc_area", "arguments": {}}');
    expect(error).toBeInstanceOf(UnknownFunctionError);
    expect(described(error)).toBe(
      'UnknownFunctionError: function not found: expected one of "calculate_area", got "calc_area"',
    );
  });

  it('reports required parameters missing, in schema order, before anything else', () => {
    const error = failure('{"name": "calculate_area", "arguments": {"size": 1}}');
    expect(error).toBeInstanceOf(MissingParameterError);
    expect(described(error)).toBe(
      'MissingParameterError: missing required parameter "radius" of calculate_area',
    );
    expect(
      failure('{"name": "calculate_area", "arguments": {"radius": 1, "unit": "m", "where": {}}}').message,
    ).toBe('missing required parameter "where.x" of calculate_area');
  });

  it('reports parameters the function does not have', () => {
    const error = failure('{"name": "calculate_area", "arguments": {"radius": 1, "unit": "m", "depth": 2}}');
    expect(error).toBeInstanceOf(UnknownParameterError);
    expect(described(error)).toBe('UnknownParameterError: unknown parameter for calculate_area, got "depth"');
    expect(
      failure(
        '{"name": "calculate_area", "arguments": {"radius": 1, "unit": "m", "where": {"x": 1, "y": 2}}}',
      ).message,
    ).toBe('unknown parameter for calculate_area, got "where.y"');
  });

  it.each([
    [
      '{"radius": "2", "unit": "m"}',
      'invalid parameter "radius" of calculate_area: should be integer, got string',
    ],
    [
      '{"radius": 2.5, "unit": "m"}',
      'invalid parameter "radius" of calculate_area: should be integer, got number',
    ],
    [
      '{"radius": 2, "unit": "m", "scale": true}',
      'invalid parameter "scale" of calculate_area: should be number, got boolean',
    ],
    [
      '{"radius": 2, "unit": "km"}',
      'invalid parameter "unit" of calculate_area: should be one of "cm", "m", got "km"',
    ],
    [
      '{"radius": 2, "unit": "m", "tags": ["a", 1]}',
      'invalid parameter "tags[1]" of calculate_area: should be string, got integer',
    ],
    [
      '{"radius": 2, "unit": "m", "where": {"x": null}}',
      'invalid parameter "where.x" of calculate_area: should be integer, got null',
    ],
  ])('reports a value of the wrong type: %s', (args, message) => {
    const error = failure(`{"name": "calculate_area", "arguments": ${args}}`);
    expect(error).toBeInstanceOf(ParameterTypeError);
    expect(error.message).toBe(message);
  });

  it('gives one Arc pattern per kind of mistake on a function, whatever the model wrote', () => {
    const pattern = (text: string) => {
      const e = failure(text);
      return fingerprintFailure({ function: 'bfcl_answer', errorType: e.name, message: e.message });
    };
    const pairs: [string, string, string][] = [
      ['The answer is 5.', 'Sure! {"name": 1}', 'parsing_error'],
      [
        '{"name": "calculate_area", "arguments": {"radius": 1, "unit": "m"',
        '{"name": "calculate_area", "arguments": {"radius": 12',
        'parsing_error',
      ],
      ['{"name": "area", "arguments": {}}', '{"name": "get_area", "arguments": {}}', 'api_schema'],
      [
        '{"name": "calculate_area", "arguments": {"radius": 1, "unit": "m", "depth": 2}}',
        '{"name": "calculate_area", "arguments": {"radius": 1, "unit": "m", "height": 2}}',
        'api_schema',
      ],
      [
        '{"name": "calculate_area", "arguments": {"radius": 2, "unit": "km"}}',
        '{"name": "calculate_area", "arguments": {"radius": 2, "unit": "inch"}}',
        'api_schema',
      ],
    ];
    for (const [a, b, category] of pairs) {
      expect(pattern(a).patternId).toBe(pattern(b).patternId);
      expect(pattern(a).category).toBe(category);
    }
    expect(pattern('{"name": "calculate_area", "arguments": {"unit": "m"}}').category).toBe('api_schema');
    expect(pattern('{"name": "calculate_area", "arguments": {"radius": "2", "unit": "m"}}').category).toBe(
      'api_schema',
    );
    expect(pattern('[1]').category).toBe('parsing_error');
  });
});
