// Request validation with Ajv. Bodies are checked as sent: no type coercion, no removal of
// properties, no defaults, every error reported (allErrors; the events route caps the batch size
// before validation, so the error count stays bounded). Query strings, params and headers arrive
// as text, so there numbers are coerced and defaults applied. Free-form values (`input`, `output`)
// have the empty schema `{}`, which Ajv accepts without walking into them, however deep.
// `date-time` is RFC 3339 narrowed to the instants the API can keep (storable-date-time.ts).

import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
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

/** The paths of the infinite numbers in coerced text (values of an object, items of its arrays). */
function infiniteNumberPaths(data: unknown): string[] {
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data).flatMap(([name, value]) => {
    const path = `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    return values.some((v) => typeof v === 'number' && !Number.isFinite(v)) ? [path] : [];
  });
}

/**
 * Ajv coerces text such as `1e400` or `Infinity` to Infinity and then skips the number's own
 * checks (minimum, maximum): a `limit` of Infinity reached the database (a 500). Such a value is
 * refused here as the type error it is.
 */
function refusingInfiniteNumbers(validate: ValidateFunction): ValidateFunction {
  const checked = ((data: unknown) => {
    const valid = validate(data);
    const infinite = valid ? infiniteNumberPaths(data) : [];
    checked.errors =
      infinite.length === 0
        ? validate.errors
        : infinite.map(
            (instancePath): ErrorObject => ({
              instancePath,
              schemaPath: '#/type',
              keyword: 'type',
              params: { type: 'number' },
              message: 'must be a finite number',
            }),
          );
    return valid && infinite.length === 0;
  }) as ValidateFunction;
  return checked;
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
    (httpPart === 'body'
      ? bodyAjv.compile(schema as object)
      : refusingInfiniteNumbers(textAjv.compile(schema as object))) as ReturnType<
      FastifySchemaCompiler<unknown>
    >;
}
