import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParameters } from './pg-inline-parameters.js';

const url = process.env.ARC_TEST_PG_URL;

describe('inlineParameters', () => {
  it('writes strings as E-literals with quotes and backslashes doubled, and numbers quoted', () => {
    const parameters = ["it's \\n", 42, 0, 0, 0, 0, 0, 0, 0, 'x'];
    expect(inlineParameters(CompiledQuery.raw('SELECT $1::text, $2::bigint, $10', parameters))).toBe(
      "SELECT E'it''s \\\\n'::text, '42'::bigint, E'x'",
    );
  });

  it('refuses values it has no literal for', () => {
    expect(() => inlineParameters(CompiledQuery.raw('SELECT $1', [[1, 2]]))).toThrow(/no SQL literal/);
    expect(() => inlineParameters(CompiledQuery.raw('SELECT $1', [Number.NaN]))).toThrow(/no SQL literal/);
    expect(() => inlineParameters(CompiledQuery.raw('SELECT $1', [null]))).toThrow(/no SQL literal/);
  });

  describe.runIf(url !== undefined)('on PostgreSQL', () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = new pg.Client({ connectionString: url });
      await client.connect();
    });
    afterAll(() => client.end());

    it('reads back every string as it was, whatever standard_conforming_strings says', async () => {
      const strings = ["a'b", 'back\\slash', "\\'", '\\', "''", 'ünï 😀', '{"k":"v\\"q"}', '$1 $2'];
      for (const setting of ['on', 'off']) {
        await client.query(`SET standard_conforming_strings = ${setting}`);
        for (const value of strings) {
          const text = inlineParameters(
            CompiledQuery.raw('SELECT $1::text AS v, $2::bigint AS n', [value, 7]),
          );
          const { rows } = await client.query(text);
          expect(rows[0]).toEqual({ v: value, n: '7' });
        }
      }
    });
  });
});
