import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../src/kernel/error-codes.js';
import { declaredWriters } from '../src/kernel/module.js';
import type { TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { httpTestBastion } from './support/http.js';

interface Schema {
  type?: string;
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  enum?: string[];
  allOf?: Schema[];
  $ref?: string;
}
interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** An object schema that declares no field and lets any through: it would send whatever the handler returns. */
function isOpenObject(schema: Schema | undefined): boolean {
  if (!schema || schema.$ref !== undefined || schema.allOf) return false;
  const declaresNothing = Object.keys(schema.properties ?? {}).length === 0;
  return schema.type === 'object' && declaresNothing && schema.additionalProperties !== false;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

// Issue 11: the route table, the command registry and the OpenAPI document follow from the code's contracts.
describe(`every route and command carries its contract (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let doc: Document;
  const operationOf = (method: string, url: string) => doc.paths[openapiPath(url)]?.[method.toLowerCase()];

  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    doc = (await app.inject({ url: '/api/openapi.json' })).json<Document>();
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('gives every registered route a declared permission, an operationId and a closed success schema', () => {
    const operationIds = new Set<string>();
    const problems: string[] = [];
    for (const route of app.routeTable) {
      const where = `${route.method} ${route.url}`;
      if (!t.bastion.permissions.get(route.permission)) problems.push(`${where}: undeclared permission`);
      const operation = operationOf(route.method, route.url);
      if (!operation) continue; // hidden from the document on purpose (the document itself)
      if (operation.operationId === undefined || operation.operationId === '')
        problems.push(`${where}: no operationId`);
      else if (operationIds.has(operation.operationId)) problems.push(`${where}: operationId reused`);
      else operationIds.add(operation.operationId);
      const success = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
      if (success.length === 0) problems.push(`${where}: no success response`);
      for (const [status, response] of success) {
        const schemas = Object.values(response.content ?? {}).map((c) => c.schema);
        if (schemas.length === 0) problems.push(`${where} ${status}: no response schema`);
        if (schemas.some(isOpenObject)) problems.push(`${where} ${status}: open object schema`);
      }
    }
    expect(problems).toEqual([]);
    expect(operationIds.size).toBeGreaterThan(100);
  });

  it('lists only catalogue codes as the errors an operation may answer', () => {
    const listed = new Set<string>();
    for (const path of Object.values(doc.paths))
      for (const operation of Object.values(path))
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!/^[45]/.test(status)) continue;
          for (const media of Object.values(response.content ?? {}))
            for (const part of media.schema?.allOf ?? [])
              for (const code of (part.properties?.code as Schema | undefined)?.enum ?? []) {
                listed.add(code);
                expect(errorCatalogue[code as keyof typeof errorCatalogue]?.status, `${code}`).toBe(Number(status));
              }
        }
    expect(listed.size).toBeGreaterThan(10);
    for (const code of listed) expect(Object.keys(errorCatalogue)).toContain(code);
  });

  it('gives every command an output schema and only catalogue codes as errors, and routes those with http by name', () => {
    const commands = t.bastion.context.commands.list();
    for (const command of commands) {
      expect(command.output, command.name).toBeDefined();
      for (const code of command.errors) expect(Object.keys(errorCatalogue), `${command.name}`).toContain(code);
      if (!command.http) continue;
      const operation = operationOf(command.http.method, command.http.url);
      expect(operation?.operationId, `${command.name}`).toBe(command.name);
    }
    expect(commands.filter((c) => c.http).length).toBeGreaterThan(60);
  });

  it('uses no writer outside a command but the declared ones, and uses each declared one', () => {
    const used = new Set<string>();
    for (const file of [...filesUnder('src/modules'), ...filesUnder('src/app')])
      for (const match of readFileSync(file, 'utf8').matchAll(/\bwriter\(\s*'([^']+)'/g)) used.add(match[1]!);
    expect([...used].sort()).toEqual([...declaredWriters].sort());
  });

  it('lets only the files named in kernel/module.ts hold the writable database', () => {
    const holders = filesUnder('src')
      .filter((file) => /storage\/(open|sqlite|postgres|storage)\.js'/.test(readFileSync(file, 'utf8')))
      .filter((file) => !file.startsWith('src/storage/'))
      .sort();
    expect(holders).toEqual([
      'src/app/bastion.ts',
      'src/app/context.ts',
      'src/app/demo/reset.ts',
      'src/app/keys.ts',
      'src/cli/open.ts',
    ]);
  });
});
