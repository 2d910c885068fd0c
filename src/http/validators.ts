import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { forbiddenCharacterProblems } from '../kernel/validation.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are validated strictly: no type coercion and no silent removal of unknown fields, so a typo is an
 * error, not a default. Query strings and path parameters arrive as text and are coerced to their types.
 */
export function strictValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = addFormats(
    new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: false }),
  );
  const coercing = addFormats(
    new Ajv({ allErrors: true, coerceTypes: true, removeAdditional: false, useDefaults: true, strict: false }),
  );
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return withCharacterCheck(ajv.compile(schema as object));
  };
}

/**
 * The kernel's rule on characters (NUL, control characters, bidirectional overrides: kernel/validation.ts) at
 * the HTTP edge too, for every part with a schema (body, query, parameters), so reads are covered as well as
 * commands and the answer names the field the same way.
 */
function withCharacterCheck(check: ValidateFunction): ValidateFunction {
  const validate = ((data: unknown) => {
    const valid = check(data);
    const problems = forbiddenCharacterProblems(data);
    if (valid && problems.length === 0) return true;
    validate.errors = [
      ...problems.map((p) => ({
        instancePath: p.path,
        schemaPath: '#',
        keyword: 'character',
        params: {},
        message: p.message,
      })),
      ...(check.errors ?? []),
    ];
    return false;
  }) as ValidateFunction;
  return validate;
}
