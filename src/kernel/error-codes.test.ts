import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { errorCatalogue, errorCodes, isErrorCode } from './error-codes.js';

interface Found {
  code: string;
  /** The HTTP status written next to the code, when it is a literal. */
  status?: number;
  where: string;
}

/** Where each AppError subclass takes its code, and the status it fixes (undefined: passed as an argument). */
const codeArgument: Record<string, { index: number; status?: number }> = {
  AppError: { index: 0 },
  ForbiddenError: { index: 1, status: 403 },
  ConflictError: { index: 1, status: 409 },
};
const CODE_SHAPE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const literal = (node: ts.Node | undefined): string | undefined =>
  node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
const numeric = (node: ts.Node | undefined): number | undefined =>
  node && ts.isNumericLiteral(node) ? Number(node.text) : undefined;

/** The class a `super(...)` call constructs: the one named in the enclosing class's `extends`. */
function superClassOf(node: ts.Node): string | undefined {
  let at: ts.Node | undefined = node;
  // `parent` is typed as always present, but a source file has none.
  while (at !== undefined && !ts.isClassLike(at)) at = at.parent;
  const heritage = at?.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  return heritage && ts.isIdentifier(heritage.expression) ? heritage.expression.text : undefined;
}

/**
 * Every error code written as a literal in one source file: codes passed to the AppError family (`new` or
 * `super`), to an authorizer's `deny(reason, code)`, `code:` in an object that also has a `status` (a problem
 * body), and `[code, message]` pairs (the table of fastify's own errors).
 */
function codesIn(fileName: string, text: string): Found[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const found: Found[] = [];
  const add = (node: ts.Node, code: string | undefined, status?: number) => {
    if (code === undefined) return;
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    found.push({ code, status, where: `${fileName}:${line + 1}` });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
      const callee = node.expression;
      const name =
        callee.kind === ts.SyntaxKind.SuperKeyword ? superClassOf(node) : ts.isIdentifier(callee) ? callee.text : '';
      const args = node.arguments ?? ts.factory.createNodeArray();
      const rule = name !== undefined ? codeArgument[name] : undefined;
      if (rule) add(node, literal(args[rule.index]), rule.status ?? numeric(args[rule.index + 1]));
      if (ts.isCallExpression(node) && name === 'deny') add(node, literal(args[1]), numeric(args[2]));
    }
    if (ts.isObjectLiteralExpression(node)) {
      const prop = (key: string) =>
        node.properties.find(
          (p): p is ts.PropertyAssignment =>
            ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key,
        );
      const code = prop('code');
      if (code && prop('status')) add(node, literal(code.initializer), numeric(prop('status')?.initializer));
    }
    if (ts.isArrayLiteralExpression(node) && node.elements.length === 2) {
      const [code, message] = node.elements.map(literal);
      if (code !== undefined && CODE_SHAPE.test(code) && message?.includes(' ') === true) add(node, code);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const everyCode = sourceFiles(join(root, 'src')).flatMap((file) =>
  codesIn(relative(root, file), readFileSync(file, 'utf8')),
);

describe('error catalogue', () => {
  it('every error code written in src/ is in the catalogue, with the catalogue status', () => {
    const unknown = everyCode.filter((f) => !isErrorCode(f.code)).map((f) => `${f.where} ${f.code}`);
    expect(unknown).toEqual([]);
    const wrongStatus = everyCode
      .filter((f) => f.status !== undefined && isErrorCode(f.code) && errorCatalogue[f.code].status !== f.status)
      .map((f) => `${f.where} ${f.code} ${f.status}`);
    expect(wrongStatus).toEqual([]);
  });

  it('the scan sees the codes of every kind of call site, so an empty list above means something', () => {
    const seen = new Set(everyCode.map((f) => f.code));
    // One per rule: AppError in http, fastify's table, ConflictError, ForbiddenError, a subclass's super, deny().
    for (const code of ['method_not_allowed', 'uri_too_long', 'bad_url', 'seal_broken', 'dual_control'])
      expect(seen).toContain(code);
    for (const code of ['database_unavailable', 'not_initialized', 'config_invalid', 'mfa_enrolment_required'])
      expect(seen).toContain(code);
  });

  it('the scan reports a code missing from the catalogue at each kind of call site', () => {
    const text = [
      "throw new ConflictError('Taken.', 'made_up_conflict');",
      "throw new AppError('made_up_app', 418, 'Teapot.');",
      "class E extends ForbiddenError { constructor() { super('No.', 'made_up_super'); } }",
      "const t = { X: ['made_up_pair', 'A message.'] };",
      "return deny('why', 'made_up_deny');",
      "reply.send({ status: 400, code: 'made_up_problem' });",
    ].join('\n');
    const codes = codesIn('sample.ts', text).map((f) => f.code);
    expect(codes).toEqual([
      'made_up_conflict',
      'made_up_app',
      'made_up_super',
      'made_up_pair',
      'made_up_deny',
      'made_up_problem',
    ]);
    expect(codes.filter(isErrorCode)).toEqual([]);
  });

  it('every catalogue entry has a stable code shape, a 4xx or 5xx status and a one-line description', () => {
    expect(errorCodes.length).toBeGreaterThan(60);
    for (const code of errorCodes) {
      const { status, description } = errorCatalogue[code];
      expect(code).toMatch(CODE_SHAPE);
      expect(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: ${status}`).toBe(true);
      expect(description, code).toMatch(/^\S[^\n]*\.$/);
    }
  });
});
