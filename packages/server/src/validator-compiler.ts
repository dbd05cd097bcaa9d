// Request validation with Ajv. Bodies are checked as sent: no type coercion, no removal of
// properties, no defaults, every error reported (allErrors; the events route caps the batch size
// before validation, so the error count stays bounded). Query strings, params and headers arrive
// as text, so there numbers are coerced and defaults applied. Free-form values (`input`, `output`)
// have the empty schema `{}`, which Ajv accepts without walking into them, however deep.
// `date-time` is RFC 3339 narrowed to the instants the API can keep (storable-date-time.ts).

import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isStorableDateTime } from './storable-date-time.js';

// ajv-formats is CommonJS; under NodeNext its default import is typed as the module namespace.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ strict: true, ...options });
  addFormats(ajv);
  ajv.addFormat('date-time', { type: 'string', validate: isStorableDateTime });
  return ajv;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodyAjv = createAjv({
    allErrors: true,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: false,
  });
  const textAjv = createAjv({
    allErrors: true,
    coerceTypes: true,
    removeAdditional: false,
    useDefaults: true,
  });
  return ({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as ReturnType<
      FastifySchemaCompiler<unknown>
    >;
}
