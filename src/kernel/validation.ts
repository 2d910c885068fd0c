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

/**
 * Characters no name, code or free text may hold, whatever its schema says: NUL and the other C0 controls
 * (tab, line feed and a carriage return before a line feed excepted), DEL and the C1 controls (terminal escapes),
 * and the bidirectional overrides and isolates U+202A–U+202E, U+2066–U+2069, which make text display in an order
 * other than the one it is stored in ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\r(?!\n)/;

/** The same rule for text decoded outside a command's input (device metric names). */
export function hasForbiddenCharacter(text: string): boolean {
  return FORBIDDEN.test(text);
}

function describeCharacter(char: string): string {
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (char === '\u0000') return `${code} (NUL)`;
  return /[\u202A-\u202E\u2066-\u2069]/.test(char)
    ? `${code} (a bidirectional override)`
    : `${code} (a control character)`;
}

/** Objects of data: JSON objects and the query-string parser's objects; never bytes or dates. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !(value instanceof Date);
}

/** Walks every string (and object key) of a value; one problem per field holding a forbidden character. */
export function forbiddenCharacterProblems(value: unknown, path = ''): FieldProblem[] {
  if (typeof value === 'string') {
    const found = FORBIDDEN.exec(value);
    if (!found) return [];
    const message =
      `contains ${describeCharacter(found[0])}; NUL, control characters other than tab and newline, ` +
      'and bidirectional overrides are refused';
    return [{ path: path || '/', message }];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => forbiddenCharacterProblems(item, `${path}/${i}`));
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    return [...forbiddenCharacterProblems(key, at), ...forbiddenCharacterProblems(item, at)];
  });
}

export interface ValidateOptions {
  /**
   * Keep strings as they are. Only for input Bastion assembled itself (internal commands: device telemetry and
   * security events must be stored as received, hostile strings included, not make a whole batch fail).
   */
  rawText?: boolean;
}

/** Lists every problem with a value, each naming the field (JSON pointer) and what was expected. */
export function problemsOf(schema: TSchema, value: unknown, options: ValidateOptions = {}): FieldProblem[] {
  const characters = options.rawText ? [] : forbiddenCharacterProblems(value);
  const checker = checkerFor(schema);
  if (checker.Check(value)) return characters;
  const seen = new Set<string>(characters.map((p) => p.path));
  const problems: FieldProblem[] = [...characters];
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
export function validate<S extends TSchema>(
  schema: S,
  value: unknown,
  what = 'input',
  options: ValidateOptions = {},
): Static<S> {
  const problems = problemsOf(schema, value, options);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new ValidationError(`Invalid ${what}: ${first.path} ${first.message}`, problems);
  }
  return value;
}
