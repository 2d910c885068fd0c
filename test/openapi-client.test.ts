import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';

const header = `import createClient from 'openapi-fetch';
import type { paths } from './api.js';

const [baseUrl = '', token = '', lot = ''] = process.argv.slice(2);
// JSON and problem+json only: an operation that also answers CSV or SVG would otherwise type its data as JSON or a string.
const client = createClient<paths, \`application/\${string}json\`>({ baseUrl, headers: { authorization: \`Bearer \${token}\` } });
type TraceQuery = paths['/api/lots/{number}/trace']['get']['parameters']['query'];
`;

/** Lists the users and traces a lot forward, printing what it got as one JSON line. */
const usersAndTrace = `${header}
const users = await client.GET('/api/users');
if (users.data === undefined) throw new Error(\`users: \${users.response.status}\`);
const names: string[] = users.data.items.map((user) => user.username);

const traced = await client.GET('/api/lots/{number}/trace', {
  params: { path: { number: lot }, query: { direction: 'forward' } },
});
if (traced.data === undefined) throw new Error(\`trace: \${traced.error.code}\`);
const lots: { number: string; depth: number }[] = traced.data.lots.map(({ number, depth }) => ({ number, depth }));
console.log(JSON.stringify({ users: names, lots }));
`;

/** Released work orders, ten at a time, and a forward trace. */
const ordersAndTrace = `${header}
const orders = await client.GET('/api/orders', { params: { query: { state: 'released', limit: 10 } } });
if (orders.data === undefined) throw new Error(\`orders: \${orders.response.status}\`);
const numbers: string[] = orders.data.items.map((order) => order.number);
const next: string | null | undefined = orders.data.nextCursor;

const traced = await client.GET('/api/lots/{number}/trace', {
  params: { path: { number: lot }, query: { direction: 'forward' } },
});
if (traced.data === undefined) throw new Error(\`trace: \${traced.error.code}\`);
console.log(JSON.stringify({ orders: numbers, next, lots: traced.data.lots.map((l) => l.number) }));
`;

/**
 * Calls the document does not allow; each must fail to compile, naming what is wrong. openapi-fetch lets an
 * extra key through a literal written inside the call (openapi-ts/openapi-typescript#2329), so a misspelled
 * optional parameter is caught where a client names the generated parameter type, as a careful client does.
 */
const wrongCalls: Record<string, { code: string; message: RegExp }> = {
  'misspelled-query': {
    code: `await client.GET('/api/lots/{number}/trace', { params: { path: { number: lot }, query: { directon: 'forward' } } });`,
    message: /'directon' does not exist.*Did you mean to write 'direction'/,
  },
  'misspelled-optional-query': {
    code: `const query: TraceQuery = { direction: 'forward', fromat: 'csv' };
await client.GET('/api/lots/{number}/trace', { params: { path: { number: lot }, query } });`,
    message: /'fromat' does not exist/,
  },
  'unknown-direction': {
    code: `await client.GET('/api/lots/{number}/trace', { params: { path: { number: lot }, query: { direction: 'sideways' } } });`,
    message: /"sideways"/,
  },
  'missing-required-query': {
    code: `await client.GET('/api/lots/{number}/trace', { params: { path: { number: lot }, query: {} } });`,
    message: /'direction' is missing/,
  },
  'unknown-path': {
    code: `await client.GET('/api/userz', {});`,
    message: /"\/api\/userz"/,
  },
  'wrong-response-field': {
    code: `const u = await client.GET('/api/users'); console.log(u.data?.items[0]?.userName);`,
    message: /'userName' does not exist/,
  },
  'misspelled-orders-query': {
    code: `const query: paths['/api/orders']['get']['parameters']['query'] = { state: 'released', limt: 10 };
await client.GET('/api/orders', { params: { query } });`,
    message: /'limt' does not exist/,
  },
};

const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ['node'],
  skipLibCheck: false,
};

/**
 * Compiles the named programs of `dir` with the TypeScript compiler in one program (the generated types are
 * large: checking them once keeps the test quick) and emits JavaScript for `emit`; the diagnostics, per name.
 */
function compile(dir: string, names: string[], emit: string): Record<string, string[]> {
  const files = names.map((name) => join(dir, `${name}.ts`));
  const program = ts.createProgram(files, { ...compilerOptions, outDir: dir });
  const text = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, '\n');
  const result: Record<string, string[]> = {};
  for (const [index, name] of names.entries())
    result[name] = ts.getPreEmitDiagnostics(program, program.getSourceFile(files[index]!)).map(text);
  // Problems in the generated types or the client's own declarations belong to no program: report them too.
  result['(global)'] = [...program.getGlobalDiagnostics(), ...program.getOptionsDiagnostics()].map(text);
  program.emit(program.getSourceFile(join(dir, `${emit}.ts`)));
  return result;
}

// Issue 12, item 7: a client generator accepts the document and the client it makes is typed for real.
describe(`a typed client generated from the live OpenAPI document (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let admin: Session;
  let baseUrl: string;
  let dir = '';
  let diagnostics: Record<string, string[]>;

  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    admin = await adminSession(app, t);
    const post = async (url: string, payload: object) => {
      const response = await app.inject({ method: 'POST', url, headers: admin.headers, payload });
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    };
    await post('/api/materials', { code: 'ORE', name: 'Ore', kind: 'raw', unit: 'kg' });
    await post('/api/materials', { code: 'PART', name: 'Part', kind: 'finished', unit: 'pcs' });
    await post('/api/lots/receive', {
      number: 'ORE-1',
      material: 'ORE',
      quantity: 100,
      supplier: 'Mine AG',
      supplierLot: 'M-1',
    });
    await post('/api/lots/produce', {
      output: { number: 'PART-1', material: 'PART', quantity: 10 },
      inputs: [{ lot: 'ORE-1', quantity: 40 }],
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });

    dir = mkdtempSync(join(tmpdir(), 'bastion-client-'));
    // The generated program resolves openapi-fetch and @types/node as a client project would: from node_modules.
    symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const types = astToString(await openapiTS(new URL('/api/openapi.json', baseUrl)));
    writeFileSync(join(dir, 'api.d.ts'), types);
    writeFileSync(join(dir, 'users-and-trace.ts'), usersAndTrace);
    writeFileSync(join(dir, 'orders-and-trace.ts'), ordersAndTrace);
    for (const [name, { code }] of Object.entries(wrongCalls)) writeFileSync(join(dir, `${name}.ts`), header + code);
    const programs = ['users-and-trace', 'orders-and-trace', ...Object.keys(wrongCalls)];
    diagnostics = compile(dir, programs, 'users-and-trace');
  }, 240_000); // the generated types are large; a loaded machine compiles them slowly
  afterAll(async () => {
    await app.close();
    await t.destroy();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('states what generators need on every operation: an operationId, its security, optional defaulted parameters, a server', async () => {
    interface Parameter {
      name: string;
      in: string;
      required?: boolean;
      schema: { default?: unknown };
    }
    type Operation = { operationId?: string; security?: unknown[]; parameters?: Parameter[] };
    const doc = (await (await fetch(new URL('/api/openapi.json', baseUrl))).json()) as {
      servers: { url: string }[];
      paths: Record<string, Record<string, Operation>>;
    };
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ where: `${method} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(100);
    for (const { where, op } of operations) {
      expect(op.operationId, where).toMatch(/^[a-z]/);
      expect([[], [{ bearer: [] }]], where).toContainEqual(op.security);
      for (const parameter of op.parameters ?? [])
        if (parameter.schema.default !== undefined)
          expect(parameter.required, `${where} ${parameter.name}`).not.toBe(true);
    }
    const trace = doc.paths['/api/lots/{number}/trace']!.get!;
    expect(trace.parameters?.find((p) => p.name === 'format')).toMatchObject({ schema: { default: 'json' } });
  });

  it('compiles a program that lists users and traces a lot, and running it gets both from the server', async () => {
    expect(diagnostics['(global)']).toEqual([]);
    expect(diagnostics['users-and-trace']).toEqual([]);
    const run = await promisify(execFile)(
      process.execPath,
      [join(dir, 'users-and-trace.js'), baseUrl, admin.token, 'ORE-1'],
      {
        timeout: 30_000,
      },
    );
    const printed = JSON.parse(run.stdout) as { users: string[]; lots: { number: string; depth: number }[] };
    expect(printed.users).toContain('admin');
    expect(printed.lots).toEqual([{ number: 'PART-1', depth: 1 }]);
  }, 60_000);

  it('refuses to compile calls the document does not allow (misspelled or missing parameter, unknown value, path or field)', () => {
    for (const name of Object.keys(wrongCalls)) {
      expect(diagnostics[name], name).toHaveLength(1);
      expect(diagnostics[name]![0], name).toMatch(wrongCalls[name]!.message);
    }
  });

  it('compiles a program that lists released work orders, ten at a time, and traces a lot', () => {
    expect(diagnostics['orders-and-trace']).toEqual([]);
  });
});
