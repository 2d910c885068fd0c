import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ModuleContext } from '../kernel/module.js';
import type { AnyCommand, SignatureInput } from '../kernel/pipeline/types.js';
import { originOf } from './context.js';
import { errorResponses } from './schemas.js';

export interface CommandRouteSpec {
  method: 'POST' | 'DELETE';
  url: string;
  command: AnyCommand;
  tags: string[];
  /** Path parameters, merged into the command input; without them the body is the input. */
  params?: TSchema;
  /** The body of a route with path parameters, when it has one (`toInput` merges the two). */
  body?: TSchema;
  toInput?: (params: Record<string, unknown>, body: unknown) => unknown;
  response?: TSchema;
  /** The route adds nothing to the body (e.g. a cookie) — see identity routes. */
  onResult?: (result: unknown, reply: FastifyReply) => void;
  /** A larger body than the server-wide limit, for commands that carry a file. */
  bodyLimit?: number;
}

const anyResult = Type.Object({}, { additionalProperties: true });
/** Under dual control a command answers 202 with the approval it waits for. */
const pending = Type.Object({
  approvalPending: Type.Boolean(),
  approvalId: Type.String(),
  approvalsRequired: Type.Integer(),
});

const signatureSchema = Type.Object(
  {
    meaning: Type.Union(['authored', 'reviewed', 'approved', 'released', 'responsibility'].map((m) => Type.Literal(m))),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    username: Type.Optional(Type.String({ maxLength: 64 })),
    totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  },
  { additionalProperties: false },
);

/** A command that demands an electronic signature takes `{ input, signature }`, keeping credentials out of its input. */
function signedBody(command: AnyCommand) {
  return Type.Object({ input: command.input, signature: signatureSchema }, { additionalProperties: false });
}

/** Declares a command route: permission, schema and OpenAPI from the command itself. */
/** TEMPORARY during the conversion (issue 11): removed once every command declares `http`. */
export function commandRoute(app: FastifyInstance, bastion: ModuleContext, spec: CommandRouteSpec): void {
  const { command } = spec;
  const noInput = Object.keys((command.input as { properties?: object }).properties ?? { x: 1 }).length === 0;
  const bodySchema = command.signature
    ? { body: signedBody(command) }
    : spec.body
      ? { body: spec.body }
      : spec.params || noInput
        ? {}
        : { body: command.input };
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.bodyLimit !== undefined ? { bodyLimit: spec.bodyLimit } : {}),
    config: { permission: command.permission, command: true },
    schema: {
      tags: spec.tags,
      summary: command.summary,
      ...(spec.params ? { params: spec.params } : {}),
      ...bodySchema,
      response: { 200: spec.response ?? anyResult, 202: pending, 409: errorResponses[404], ...errorResponses },
    },
    handler: async (request, reply) => {
      const params = (request.params ?? {}) as Record<string, unknown>;
      const signed = command.signature ? (request.body as { input: unknown; signature: SignatureInput }) : undefined;
      const body = signed ? signed.input : request.body;
      const input = spec.toInput ? spec.toInput(params, body) : spec.params ? params : noInput ? {} : body;
      const result: unknown = await bastion.commands.execute(
        command,
        input,
        request.actor,
        originOf(request),
        signed?.signature,
      );
      if (typeof result === 'object' && result !== null && 'approvalPending' in result)
        return reply.code(202).send(result);
      spec.onResult?.(result, reply);
      return reply.send(result);
    },
  });
}
