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
  parameters?: { in: string; required?: boolean; schema?: { default?: unknown } }[];
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

/**
 * A query parameter the server fills with its default when absent is optional to a client, whatever the route's
 * TypeBox object says (a property with a default is a required key there, so that validation fills it in);
 * generators type a required parameter as mandatory, so the document must say what the server accepts.
 */
function optionalDefaults(operation: Operation): void {
  for (const parameter of operation.parameters ?? [])
    if (parameter.in !== 'path' && parameter.schema?.default !== undefined) delete parameter.required;
}

const BEARER = [{ bearer: [] }];

/**
 * The OpenAPI 3.1 options: the bearer requirement stated on every protected operation and `security: []` on
 * public ones, a relative server, optional defaulted parameters and true error media types.
 */
export function openapiOptions(permissions: PermissionCatalog): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Bastion MES API', version: '0.1.0', description: 'Every change is authorised and audited.' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: { Problem: problemComponent, ErrorCode: errorCodeComponent },
      },
      security: BEARER,
      // Relative: the document is served by the Bastion it describes, behind whatever name and proxy the plant
      // gives it, so `/` (resolved against the document's own URL) is the one server that is always right.
      servers: [{ url: '/', description: 'The Bastion serving this document' }],
    },
    // A public route (health, notice, login, the page) asks for no credential: `security: []` says so. Every
    // other operation states the bearer requirement itself: some generators and gateways read only the
    // operation's own `security`, not the document-wide default.
    transform: ({ schema, url, route }) => {
      const permission = route.config?.permission;
      const isPublic = permission !== undefined && permissions.get(permission)?.public === true;
      return { schema: { ...schema, security: isPublic ? [] : BEARER }, url };
    },
    transformObject: (documentObject) => {
      const document = 'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
      for (const path of Object.values(document.paths ?? {}))
        for (const operation of Object.values(path as Record<string, Operation>)) {
          optionalDefaults(operation);
          problemResponses(operation);
        }
      return document;
    },
  };
}
