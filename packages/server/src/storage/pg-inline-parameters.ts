// A compiled query as one SQL text with its parameters written in as literals, for the simple query
// protocol, which alone lets several statements go in one message (PostgreSQL ingest sends its
// locked statement with its COMMIT that way). Each literal is an untyped quoted string, as node-pg
// sends parameters, so the query's casts and contexts type it exactly as they typed the parameter.

import type { CompiledQuery } from 'kysely';

/** `query`'s SQL with each $n replaced by its parameter's literal (strings and finite numbers only). */
export function inlineParameters(query: CompiledQuery): string {
  return query.sql.replace(/\$(\d+)/g, (_, n: string) => literal(query.parameters[Number(n) - 1]));
}

function literal(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return `'${value}'`;
  // An E'' string means the same whatever standard_conforming_strings says.
  if (typeof value === 'string') return `E'${value.replace(/[\\']/g, '$&$&')}'`;
  throw new TypeError(`no SQL literal for a parameter of type ${typeof value}`);
}

/**
 * Statements a connection keeps prepared (PREPARE, then EXECUTE with its parameters written in as
 * literals), so that one sent in a simple-query message is planned once per connection rather than
 * each time. Keyed by SQL text: each text gets one name, shared by every connection.
 */
export class PgPreparedStatements {
  readonly #names = new Map<string, string>();
  readonly #prepared = new WeakMap<object, Set<string>>();

  constructor(private readonly prefix: string) {}

  /**
   * The SQL running `query` on `connection`, preceded by its PREPARE the first time there. A
   * PREPARE outlives a rollback: should the message fail after preparing, the caller must not use
   * the connection again (it cannot know whether the statement exists).
   */
  statement(connection: object, query: CompiledQuery): { sql: string; prepares: boolean } {
    let name = this.#names.get(query.sql);
    if (name === undefined) {
      name = `${this.prefix}_${this.#names.size + 1}`;
      this.#names.set(query.sql, name);
    }
    const execute = `EXECUTE ${name}(${query.parameters.map(literal).join(', ')})`;
    let prepared = this.#prepared.get(connection);
    if (prepared === undefined) {
      prepared = new Set();
      this.#prepared.set(connection, prepared);
    }
    if (prepared.has(name)) return { sql: execute, prepares: false };
    prepared.add(name);
    return { sql: `PREPARE ${name} AS ${query.sql};\n${execute}`, prepares: true };
  }
}
