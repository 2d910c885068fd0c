import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorCatalogue, type ErrorCode } from '../kernel/error-codes.js';
import type { ModuleContext } from '../kernel/module.js';
import type { AnyCommand, SignatureInput } from '../kernel/pipeline/types.js';
import { originOf } from './context.js';
import { problemFor } from './schemas.js';

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

/** What any command route may answer, whatever the command: bad input, no session, no right, too many, a retry clash. */
const everyCommandMay: ErrorCode[] = [
  'validation_failed',
  'invalid_json',
  'unauthenticated',
  'forbidden',
  'password_change_required',
  'mfa_required',
  'mfa_enrolment_required',
  'csrf_token_invalid',
  'rate_limited',
  'idempotency_key_reused',
];
const signedCommandMay: ErrorCode[] = ['signature_required', 'signer_not_person'];
const approvedCommandMay: ErrorCode[] = ['dual_control', 'separation_of_duties', 'privilege_escalation'];

/** A command that demands an electronic signature takes `{ input, signature }`, keeping credentials out of its input. */
function signedBody(command: AnyCommand) {
  return Type.Object({ input: command.input as TSchema, signature: signatureSchema }, { additionalProperties: false });
}

/** The codes a command's route may answer: its own, and those of the pipeline stages it passes. */
export function commandErrors(command: AnyCommand): ErrorCode[] {
  const codes = new Set<ErrorCode>([...everyCommandMay, ...command.errors]);
  if (command.signature) for (const code of signedCommandMay) codes.add(code);
  if (command.approvals) for (const code of approvedCommandMay) codes.add(code);
  return [...codes];
}

/** The error responses of an operation: one per status, each naming exactly the codes it may carry. */
export function errorResponsesFor(codes: readonly ErrorCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = errorCatalogue[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, problemFor(list)]));
}

function inputOf(command: AnyCommand, params: Record<string, unknown>, body: unknown): unknown {
  const http = command.http!;
  if (http.toInput) return http.toInput(params, body);
  if (http.params) return params;
  return hasNoInput(command) ? {} : body;
}

function hasNoInput(command: AnyCommand): boolean {
  return Object.keys((command.input as { properties?: object }).properties ?? { x: 1 }).length === 0;
}

function bodySchemaOf(command: AnyCommand): { body?: TSchema } {
  const http = command.http!;
  if (command.signature) return { body: signedBody(command) };
  if (http.body) return { body: http.body };
  if (http.params || hasNoInput(command)) return {};
  return { body: command.input as TSchema };
}

/**
 * Registers the route of every command that declares one: permission, body, response and errors come from
 * the command object, so the OpenAPI document, the output allowlist and the error list follow the code.
 */
export function registerCommandRoutes(app: FastifyInstance, context: ModuleContext): void {
  for (const command of context.commands.list()) if (command.http) registerCommandRoute(app, context, command);
}

function registerCommandRoute(app: FastifyInstance, context: ModuleContext, command: AnyCommand): void {
  const http = command.http!;
  app.route({
    method: http.method,
    url: http.url,
    ...(http.bodyLimit !== undefined ? { bodyLimit: http.bodyLimit } : {}),
    config: { permission: command.permission, command: true },
    schema: {
      tags: http.tags ?? [command.name.split('.')[0]!],
      summary: command.summary,
      operationId: command.name,
      ...(http.params ? { params: http.params } : {}),
      ...bodySchemaOf(command),
      response: { 200: command.output as TSchema, 202: pending, ...errorResponsesFor(commandErrors(command)) },
    },
    handler: async (request, reply) => {
      const params = (request.params ?? {}) as Record<string, unknown>;
      const signed = command.signature ? (request.body as { input: unknown; signature: SignatureInput }) : undefined;
      const input = inputOf(command, params, signed ? signed.input : request.body);
      const result: unknown = await context.commands.execute(
        command,
        input,
        request.actor,
        originOf(request),
        signed?.signature,
      );
      if (typeof result === 'object' && result !== null && 'approvalPending' in result)
        return reply.code(202).send(result);
      http.onResult?.(result, reply);
      return reply.send(result);
    },
  });
}
