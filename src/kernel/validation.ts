import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { FormatRegistry } from '@sinclair/typebox';
import { ValidationError, type FieldProblem } from './errors.js';

// The formats route schemas use, checked the same way as Ajv (ajv-formats) checks them at the HTTP edge.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value));
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerFor<S extends TSchema>(schema: S): TypeCheck<S> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  return checker as TypeCheck<S>;
}

/** Lists every problem with a value, each naming the field (JSON pointer) and what was expected. */
export function problemsOf(schema: TSchema, value: unknown): FieldProblem[] {
  const checker = checkerFor(schema);
  if (checker.Check(value)) return [];
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of checker.Errors(value)) {
    const path = error.path === '' ? '/' : error.path;
    if (seen.has(path)) continue;
    seen.add(path);
    const expected = typeof error.schema.description === 'string' ? ` (${error.schema.description})` : '';
    problems.push({ path, message: `${error.message}${expected}` });
  }
  return problems;
}

/** Returns the value typed by the schema, or throws one ValidationError listing every bad field. */
export function validate<S extends TSchema>(schema: S, value: unknown, what = 'input'): Static<S> {
  const problems = problemsOf(schema, value);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new ValidationError(`Invalid ${what}: ${first.path} ${first.message}`, problems);
  }
  return value as Static<S>;
}
