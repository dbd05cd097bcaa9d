import { describe, expect, it } from 'vitest';
import { repairOutput } from './output-repair.js';

const schema = { type: 'object', properties: { total: { type: 'number' } } };

describe('repairOutput', () => {
  it('repairs broken JSON text and keeps it text', () => {
    const broken = "```json\n{total: 12, 'items': [1, 2,],}\n```";
    const repaired = repairOutput(broken, { type: 'output_repair', json: true, coerce: false });
    expect(typeof repaired).toBe('string');
    expect(JSON.parse(repaired as string)).toEqual({ total: 12, items: [1, 2] });
  });

  it('repairs then coerces text against the schema', () => {
    const repaired = repairOutput('{"total": "12.5"', {
      type: 'output_repair',
      json: true,
      coerce: true,
      schema,
    });
    expect(repaired).toBe('{"total":12.5}');
  });

  it('coerces structured output', () => {
    expect(
      repairOutput({ total: '3' }, { type: 'output_repair', json: false, coerce: true, schema }),
    ).toEqual({
      total: 3,
    });
  });

  it('returns what it cannot repair unchanged', () => {
    expect(repairOutput('', { type: 'output_repair', json: true, coerce: false })).toBe('');
    expect(repairOutput('plain words', { type: 'output_repair', json: false, coerce: true, schema })).toBe(
      'plain words',
    );
    expect(repairOutput({ a: 1 }, { type: 'output_repair', json: true, coerce: false })).toEqual({ a: 1 });
  });
});
