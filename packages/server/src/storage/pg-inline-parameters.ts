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
