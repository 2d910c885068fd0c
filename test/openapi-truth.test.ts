import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue, errorCodes } from '../src/kernel/error-codes.js';
import type { TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';
import { adminSession, httpTestBastion, NEW_ADMIN_PASSWORD, type Session } from './support/http.js';

interface Operation {
  security?: unknown[];
  parameters?: { in: string; name: string; schema: { pattern?: string } }[];
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema: { properties?: object; required?: string[] } }>;
  };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  security: unknown[];
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

interface ProblemSchema {
  $ref?: string;
  allOf?: [{ $ref: string }, { properties: { code: { enum: string[] } } }];
}

/** fastify's `/api/users/:id` as OpenAPI writes it: `/api/users/{id}`. */
const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function expectProblemWithHeaders(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(response.json()).toMatchObject({ status, code });
}

// Issue 11, item 10: the OpenAPI document tells the truth about security, media types, bodies and parameters.
describe(`the OpenAPI document matches what the server does (${testDialect})`, () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let doc: Document;
  let admin: Session;
  const operation = (method: string, url: string) => doc.paths[openapiPath(url)]?.[method.toLowerCase()];

  beforeAll(async () => {
    ({ t, app } = await httpTestBastion());
    admin = await adminSession(app, t);
    doc = (await app.inject({ url: '/api/openapi.json' })).json<Document>();
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  it('gives every public route security: [] and states the bearer requirement on every other operation', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    let publicCount = 0;
    for (const route of app.routeTable) {
      const op = operation(route.method, route.url);
      if (!op) continue; // hidden from the document (the document itself)
      if (t.bastion.permissions.get(route.permission)?.public) {
        publicCount++;
        expect(op.security, `${route.method} ${route.url}`).toEqual([]);
      } else expect(op.security, `${route.method} ${route.url}`).toEqual([{ bearer: [] }]);
    }
    for (const [method, url] of [
      ['GET', '/healthz'],
      ['GET', '/readyz'],
      ['GET', '/api/auth/notice'],
      ['POST', '/api/auth/login'],
    ] as const)
      expect(operation(method, url)?.security, `${method} ${url}`).toEqual([]);
    expect(publicCount).toBeGreaterThanOrEqual(4);
  });

  it('documents every error response as application/problem+json with the shared Problem schema (narrowed to its codes)', () => {
    expect(doc.components.schemas.Problem).toMatchObject({ required: expect.arrayContaining(['type', 'code']) });
    let errors = 0;
    for (const [path, operations] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(operations)) {
        expect(op.responses.default, `${method} ${path}`).toBeDefined();
        for (const [status, response] of Object.entries(op.responses)) {
          if (status !== 'default' && Number(status) < 400) continue;
          errors++;
          const where = `${method} ${path} ${status}`;
          expect(Object.keys(response.content ?? {}), where).toEqual(['application/problem+json']);
          const schema = response.content!['application/problem+json']!.schema as ProblemSchema;
          // The shared Problem, or (where the operation declares its codes) the shared Problem narrowed to them.
          if (schema.allOf) {
            expect(schema.allOf[0], where).toEqual({ $ref: '#/components/schemas/Problem' });
            expect(schema.allOf[1]?.properties.code.enum.length, where).toBeGreaterThan(0);
          } else expect(schema, where).toEqual({ $ref: '#/components/schemas/Problem' });
        }
      }
    expect(errors).toBeGreaterThan(100);
  });

  it('lists the error catalogue as the ErrorCode component that the Problem schema code refers to', () => {
    const problem = doc.components.schemas.Problem as { properties: Record<string, unknown> };
    expect(problem.properties.code).toEqual({ $ref: '#/components/schemas/ErrorCode' });
    const errorCode = doc.components.schemas.ErrorCode as { enum: string[]; 'x-catalogue': typeof errorCatalogue };
    expect(errorCode.enum).toEqual(errorCodes);
    expect(errorCode.enum).toEqual(expect.arrayContaining(['method_not_allowed', 'uri_too_long', 'bad_url']));
    expect(errorCode['x-catalogue'].illegal_transition).toEqual({ status: 409, description: expect.any(String) });
  });

  it('documents a success response (200, 201 or 202) with a schema for every route in the route table', () => {
    for (const route of app.routeTable) {
      const op = operation(route.method, route.url);
      if (!op) continue;
      const success = ['200', '201', '202'].filter((s) => op.responses[s]);
      expect(success.length, `${route.method} ${route.url}`).toBeGreaterThan(0);
    }
  });

  it('declares the body that POST /api/ingest/devices/{name}/quarantine requires, with its reason', () => {
    const body = operation('POST', '/api/ingest/devices/:name/quarantine')?.requestBody;
    expect(body?.required).toBe(true);
    const schema = body!.content['application/json']!.schema;
    expect(schema.required).toEqual(['reason']);
    expect(Object.keys(schema.properties ?? {})).toEqual(['reason']);
  });

  it('shows the path-parameter patterns the server enforces (device name, work-order number), and refuses a path that breaks them', async () => {
    const pattern = (method: string, url: string, name: string) =>
      operation(method, url)?.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema.pattern;
    for (const action of ['rotate', 'quarantine', 'release'])
      expect(pattern('POST', `/api/ingest/devices/:name/${action}`, 'name')).toBe('^[a-z0-9][a-z0-9._-]{1,63}$');
    expect(pattern('POST', '/api/orders/:number/batch-record', 'number')).toBe('^[A-Z0-9][A-Z0-9._-]{0,39}$');
    expect(pattern('GET', '/api/orders/:number/batch-record', 'number')).toBe('^[A-Z0-9][A-Z0-9._-]{0,39}$');
    const refused = await app.inject({
      method: 'POST',
      url: '/api/ingest/devices/Not%20A%20Name/release',
      headers: admin.headers,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'validation_failed' });
  });

  it('answers 405 with an Allow header in problem+json to an unsupported method on an existing path, 404 to an unknown path', async () => {
    const deleteHealth = await app.inject({ method: 'DELETE', url: '/healthz' });
    expectProblemWithHeaders(deleteHealth, 405, 'method_not_allowed');
    expect(deleteHealth.headers.allow).toBe('GET, HEAD');
    const putUser = await app.inject({ method: 'PUT', url: '/api/users/0190a3f0-0000-7000-8000-000000000000' });
    expectProblemWithHeaders(putUser, 405, 'method_not_allowed');
    expect(putUser.headers.allow).toBe('GET, HEAD');
    expectProblemWithHeaders(await app.inject({ method: 'DELETE', url: '/api/no-such-thing' }), 404, 'not_found');
  });

  it('answers 413 (body too large) in problem+json with the security headers', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x'.repeat(t.config.http.bodyLimitBytes), password: 'y' }),
    });
    expectProblemWithHeaders(response, 413, 'body_too_large');
  });

  it('answers 414 (a path parameter longer than allowed) in problem+json with the security headers', async () => {
    const response = await app.inject({ url: `/api/recipes/${'a'.repeat(500)}/versions` });
    expectProblemWithHeaders(response, 414, 'uri_too_long');
    expect(response.body).not.toContain('aaaaaaaaaa'); // the refusal quotes nothing from the request
  });

  it('answers a malformed URL (a broken percent-escape in a path parameter) 400 in problem+json with the security headers', async () => {
    expectProblemWithHeaders(await app.inject({ url: '/api/users/%E0%A4%A' }), 400, 'bad_url');
  });

  it('treats an unknown or ended bearer token on a public route as anonymous (200) but still answers 401 on other routes', async () => {
    const ended = admin; // its session is ended here, so its token is one the server knew and no longer accepts
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: ended.headers })).statusCode).toBe(
      200,
    );
    const bogus = { authorization: `Bearer ${'A'.repeat(43)}` };
    for (const headers of [bogus, ended.headers]) {
      for (const url of ['/healthz', '/readyz', '/api/auth/notice'])
        expect((await app.inject({ url, headers })).statusCode, url).toBe(200);
      const relogin = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers,
        payload: { username: 'admin', password: NEW_ADMIN_PASSWORD },
      });
      expect(relogin.statusCode).toBe(200);
      const users = await app.inject({ url: '/api/users', headers });
      expectProblemWithHeaders(users, 401, 'unauthenticated');
    }
  });
});
