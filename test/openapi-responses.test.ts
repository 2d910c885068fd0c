import swagger from '@fastify/swagger';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftEntry, isExcused, ResponseValidator, type OpenApiDocument } from './support/openapi-responses.js';
import { leaveUnrecorded, recordResponses, type ResponseRecord } from './support/response-recorder.js';

const counted = {
  type: 'object',
  required: ['count'],
  properties: { count: { type: 'integer' } },
  additionalProperties: false,
};

/**
 * A small app that drifts from its own document in each way the suite-wide check looks for. Its answers bypass
 * fastify's serializer (a string body is sent as is), as a handler that formats its own output would.
 */
async function driftingApp(records: ResponseRecord[], documents: Map<string, OpenApiDocument>) {
  const app = Fastify();
  // Its drift is deliberate: the suite-wide recorder must not count it against the real document.
  leaveUnrecorded(app);
  recordResponses(
    app,
    { document: (hash, doc) => documents.set(hash, doc as OpenApiDocument), response: (r) => records.push(r) },
    { all: true },
  );
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'drift', version: '1' },
      components: {
        schemas: { Problem: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } },
      },
    },
  });
  const schema: FastifySchema = { response: { 200: counted } };
  app.get('/agrees', { schema }, () => ({ count: 3 }));
  app.get('/wrong-type', { schema }, (_request, reply) => reply.type('application/json').send('{"count":"many"}'));
  app.get('/extra-field', { schema }, (_request, reply) =>
    reply.type('application/json').send('{"count":1,"secret":"x"}'),
  );
  app.get('/not-json', { schema }, (_request, reply) => reply.type('application/json').send('count: 3'));
  app.get('/wrong-media-type', { schema }, (_request, reply) => reply.type('text/csv').send('count\n3\n'));
  app.get('/undocumented-status', { schema }, (_request, reply) => reply.code(202).send({ count: 3 }));
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('application/problem+json').send({ code: 'x' }));
  await app.ready();
  return app;
}

describe('the suite-wide OpenAPI response check', () => {
  const records: ResponseRecord[] = [];
  const documents = new Map<string, OpenApiDocument>();
  let app: FastifyInstance;
  const reasons = () =>
    new Map(new ResponseValidator(documents).mismatches(records).map((m) => [driftEntry(m), m.reason]));

  beforeAll(async () => {
    app = await driftingApp(records, documents);
    for (const url of [
      '/agrees',
      '/wrong-type',
      '/extra-field',
      '/wrong-media-type',
      '/undocumented-status',
      '/not-json',
      '/nowhere',
    ])
      await app.inject({ url });
  });
  afterAll(() => app.close());

  it('records each answer with its route pattern, status, media type and parsed body', () => {
    expect(documents.size).toBe(1);
    expect(records.find((r) => r.route === '/agrees')).toMatchObject({
      method: 'GET',
      status: 200,
      mediaType: 'application/json',
      kind: 'json',
      body: { count: 3 },
    });
    expect(records.find((r) => r.route === undefined)).toMatchObject({ status: 404, url: '/nowhere' });
  });

  it('reports a field of the wrong type, a field the schema does not declare, and nothing for a true answer', () => {
    const found = reasons();
    expect(found.get('GET /wrong-type 200')).toMatch(/body does not match responses\.200: \/count must be integer/);
    expect(found.get('GET /extra-field 200')).toMatch(/must NOT have additional properties/);
    expect(found.has('GET /agrees 200')).toBe(false);
  });

  it('reports a media type and a status the document does not list, and a JSON media type on a non-JSON body', () => {
    const found = reasons();
    expect(found.get('GET /not-json 200')).toBe('the body is not valid JSON, yet sent as application/json');
    expect(found.get('GET /wrong-media-type 200')).toBe(
      'media type text/csv, but responses.200 documents application/json',
    );
    expect(found.get('GET /undocumented-status 202')).toMatch(/status 202 is not documented/);
  });

  it('lets a known-drift entry with a media type excuse that media type only', () => {
    const found = new ResponseValidator(documents).mismatches(records);
    const csv = found.find((m) => m.route === '/wrong-media-type')!;
    const wrongType = found.find((m) => m.route === '/wrong-type')!;
    const entries = new Set(['GET /wrong-media-type 200 text/csv', 'GET /wrong-type 200 text/csv']);
    expect(isExcused(csv, entries)).toBe(true);
    expect(isExcused(wrongType, entries)).toBe(false);
    expect(isExcused(wrongType, new Set(['GET /wrong-type 200']))).toBe(true);
  });

  it('checks an answer no route gave against the Problem component', () => {
    expect(reasons().has('GET (no route) 404')).toBe(false);
    const wrong = { ...records.find((r) => r.route === undefined)!, body: { code: 7 } };
    expect(new ResponseValidator(documents).check(wrong)).toMatch(
      /components\.schemas\.Problem: \/code must be string/,
    );
  });
});

/** `vitest run` on a config, as a developer runs it, with its exit code and everything it printed. */
function vitestRun(config: string): Promise<{ code: number | null; output: string }> {
  const root = join(import.meta.dirname, '..');
  // This worker's own VITEST_* variables would tell the child it is a worker, not a run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config], {
    cwd: root,
    env,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('a run whose responses drift from the document', () => {
  it('exits 1 although every test passed, and names the route, status and reason', async () => {
    const { code, output } = await vitestRun('test/fixtures/response-drift/vitest.config.ts');
    const kept = /records kept in (\S+)\)/.exec(output)?.[1];
    if (kept !== undefined) rmSync(kept, { recursive: true, force: true });
    expect(output).toMatch(/Tests\s.*1 passed/);
    expect(output).toContain('GET /count 200: body does not match responses.200: /count must be integer');
    expect(code).toBe(1);
  });
});
