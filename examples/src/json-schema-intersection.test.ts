import { describe, expect, it } from 'vitest';
import { intersectSchemas } from './json-schema-intersection.js';
import { CALLS_SCHEMA, toolCallsSchema } from './tool-call-format.js';

const tool = {
  name: 'area',
  parameters: {
    type: 'object',
    properties: { r: { type: 'integer' }, unit: { type: 'string', enum: ['cm', 'm'] } },
    required: ['r'],
    additionalProperties: false,
  },
};

describe('intersectSchemas', () => {
  it('narrows the generic call format to the tool: its name and its arguments', () => {
    const call = {
      type: 'object',
      properties: { name: { const: 'area' }, arguments: tool.parameters },
      required: ['name', 'arguments'],
      additionalProperties: false,
    };
    expect(intersectSchemas(CALLS_SCHEMA, toolCallsSchema([tool]))).toEqual({
      oneOf: [call, { type: 'array', items: call }],
    });
  });

  it('keeps one alternative per tool that fits', () => {
    const other = { name: 'volume', parameters: { type: 'object' } };
    const both = intersectSchemas(CALLS_SCHEMA, toolCallsSchema([tool, other]));
    const names = {
      oneOf: [{ properties: { name: { const: 'area' } } }, { properties: { name: { const: 'volume' } } }],
    };
    expect(both).toMatchObject({ oneOf: [names, { items: names }] });
    const onlyVolume = intersectSchemas(
      { type: 'object', properties: { name: { enum: ['volume', 'mass'] } } },
      toolCallsSchema([tool, other]),
    );
    expect(onlyVolume).toMatchObject({
      properties: { name: { const: 'volume' }, arguments: { type: 'object' } },
    });
  });

  it('treats a schema without constraints as anything', () => {
    expect(intersectSchemas({ description: 'x' }, tool.parameters)).toBe(tool.parameters);
    expect(intersectSchemas(tool.parameters, {})).toBe(tool.parameters);
  });

  it('intersects types, with integer inside number', () => {
    expect(intersectSchemas({ type: 'number' }, { type: 'integer' })).toEqual({ type: 'integer' });
    expect(intersectSchemas({ type: ['string', 'null'] }, { type: ['null', 'number'] })).toEqual({
      type: 'null',
    });
    expect(intersectSchemas({ type: 'string' }, { type: 'integer' })).toBeNull();
  });

  it('filters literals by the other schema', () => {
    expect(intersectSchemas({ enum: ['cm', 'm', 3] }, { type: 'string' })).toEqual({ enum: ['cm', 'm'] });
    expect(intersectSchemas({ enum: ['cm', 'm'] }, { enum: ['m', 'km'] })).toEqual({ const: 'm' });
    expect(intersectSchemas({ const: 'x' }, { enum: ['y'] })).toBeNull();
  });

  it('drops an optional property the other refuses, and fails on a required one', () => {
    const closed = { type: 'object', properties: { r: { type: 'integer' } }, additionalProperties: false };
    expect(intersectSchemas({ type: 'object', properties: { extra: { type: 'string' } } }, closed)).toEqual({
      type: 'object',
      properties: { r: { type: 'integer' } },
      additionalProperties: false,
    });
    expect(
      intersectSchemas({ type: 'object', properties: { extra: {} }, required: ['extra'] }, closed),
    ).toBeNull();
    expect(
      intersectSchemas({ type: 'object', properties: { r: { type: 'string' } }, required: ['r'] }, closed),
    ).toBeNull();
  });

  it('applies additional-property schemas to the other side named properties and intersects items', () => {
    expect(
      intersectSchemas(
        { type: 'object', additionalProperties: { type: 'number' } },
        { type: 'object', properties: { a: {} } },
      ),
    ).toEqual({
      type: 'object',
      properties: { a: { type: 'number' } },
      additionalProperties: { type: 'number' },
    });
    expect(
      intersectSchemas(
        { type: 'array', items: { type: 'number' } },
        { type: 'array', items: { type: 'integer' } },
      ),
    ).toEqual({
      type: 'array',
      items: { type: 'integer' },
    });
  });
});
