import fc from 'fast-check';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storableText } from '../storable-text.js';
import { inlineParameters, PgPreparedStatements } from './pg-inline-parameters.js';

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

  it('prepares a text once per connection, under one name for every connection', () => {
    const statements = new PgPreparedStatements('t');
    const [a, b] = [{}, {}];
    const query = (v: string) => CompiledQuery.raw('SELECT $1::text', [v]);
    expect(statements.statement(a, query('x'))).toEqual({
      sql: "PREPARE t_1 AS SELECT $1::text;\nEXECUTE t_1(E'x')",
      prepares: true,
    });
    expect(statements.statement(a, query("y'"))).toEqual({ sql: "EXECUTE t_1(E'y''')", prepares: false });
    expect(statements.statement(b, query('z')).prepares).toBe(true);
    expect(statements.statement(a, CompiledQuery.raw('SELECT 2', [])).sql).toBe(
      'PREPARE t_2 AS SELECT 2;\nEXECUTE t_2()',
    );
  });

  describe.runIf(url !== undefined)('on PostgreSQL', () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = new pg.Client({ connectionString: url });
      await client.connect();
    });
    afterAll(() => client.end());

    it('runs a prepared statement with its literals as the bound parameters would', async () => {
      const statements = new PgPreparedStatements(`arc_test_${process.pid}`);
      const query = (v: string, n: number) =>
        CompiledQuery.raw('SELECT $1::text AS v, $2::bigint + 1 AS n', [v, n]);
      for (const [v, n] of [
        ["it's", 1],
        ['\\', 41],
      ] as const) {
        const results = (await client.query(statements.statement(client, query(v, n)).sql)) as unknown as
          | pg.QueryResult
          | pg.QueryResult[];
        const rows = Array.isArray(results) ? results[1]!.rows : results.rows;
        expect(rows).toEqual([{ v, n: String(n + 1) }]);
      }
    });

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

    it('reads back any text Arc stores (storable: no NUL, no lone surrogate) as it was', async () => {
      await client.query('SET standard_conforming_strings = on');
      const storable = fc.string({ unit: 'binary', maxLength: 64 }).filter((s) => storableText(s) === s);
      await fc.assert(
        fc.asyncProperty(fc.array(storable, { minLength: 1, maxLength: 4 }), async (values) => {
          const sql = values.map((_, i) => `$${i + 1}::text AS v${i}`).join(', ');
          const { rows } = await client.query(inlineParameters(CompiledQuery.raw(`SELECT ${sql}`, values)));
          expect(Object.values(rows[0] as Record<string, string>)).toEqual(values);
        }),
        { numRuns: 300 },
      );
    });
  });
});
