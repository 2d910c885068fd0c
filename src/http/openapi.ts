import type { SwaggerOptions } from '@fastify/swagger';
import { errorCatalogue, errorCodes } from '../kernel/error-codes.js';
import type { PermissionCatalog } from '../kernel/pipeline/permissions.js';
import { problemSchema } from './schemas.js';

const PROBLEM = 'application/problem+json';
const problemRef = { $ref: '#/components/schemas/Problem' };
/** The Problem schema as a component: its `$id` is fastify's name for it, not part of the document. */
const problemComponent: Record<string, unknown> = {
  ...problemSchema,
  properties: { ...problemSchema.properties, code: { $ref: '#/components/schemas/ErrorCode' } },
};
delete problemComponent.$id;
/** The error catalogue (kernel/error-codes.ts): the stable codes a client may branch on, with status and meaning. */
const errorCodeComponent: Record<string, unknown> = {
  type: 'string',
  enum: errorCodes,
  description: 'Stable error code of a problem response; never renamed. `x-catalogue` gives its status and meaning.',
  'x-catalogue': errorCatalogue,
};

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

/** A status's problem schema: the shared Problem, with `code` narrowed to the codes the operation declares. */
function problemSchemaOf(codes: string[] | undefined): unknown {
  if (!codes) return problemRef;
  return { allOf: [problemRef, { type: 'object', properties: { code: { type: 'string', enum: codes } } }] };
}

/**
 * Every error answer is RFC 9457 `application/problem+json` (http/problem.ts), whatever a route's schema says:
 * the document names that media type and the one shared Problem schema, and adds a `default` for the errors
 * no route lists (405, 413, 414, 415, 500, 503).
 */
function problemResponses(operation: Operation): void {
  const responses = (operation.responses ??= {});
  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) < 400) continue;
    const schema = Object.values(response.content ?? {})[0]?.schema as { 'x-error-codes'?: string[] } | undefined;
    const declared = schema?.['x-error-codes'];
    response.content = { [PROBLEM]: { schema: problemSchemaOf(declared) } };
    if (declared) response.description = `Problem: ${declared.join(', ')}`;
  }
  responses.default = { description: 'Any other error', content: { [PROBLEM]: { schema: problemRef } } };
}

/** The OpenAPI 3.1 options: the bearer requirement everywhere but on public routes, and true error media types. */
export function openapiOptions(permissions: PermissionCatalog): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Bastion MES API', version: '0.1.0', description: 'Every change is authorised and audited.' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: { Problem: problemComponent, ErrorCode: errorCodeComponent },
      },
      security: [{ bearer: [] }],
    },
    // A public route (health, notice, login, the page) asks for no credential: `security: []` says so.
    transform: ({ schema, url, route }) => {
      const permission = route.config?.permission;
      const isPublic = permission !== undefined && permissions.get(permission)?.public === true;
      return { schema: isPublic ? { ...schema, security: [] } : schema, url };
    },
    transformObject: (documentObject) => {
      const document = 'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
      for (const path of Object.values(document.paths ?? {}))
        for (const operation of Object.values(path as Record<string, Operation>)) problemResponses(operation);
      return document;
    },
  };
}
