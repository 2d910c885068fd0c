import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorResponses, originOf } from '../../../http/index.js';
import { AppError } from '../../../kernel/errors.js';
import type { ModuleContext } from '../../../kernel/module.js';
import type { Origin } from '../../../kernel/pipeline/types.js';
import type { ReadDb } from '../../../kernel/store.js';
import { setSessionCookie } from '../commands/session.js';
import type { Database } from '../db.js';
import { newToken } from '../passwords.js';
import { loginResult } from '../views.js';
import {
  badgeSchema,
  liveTerminal,
  pinSchema,
  terminalCookie,
  terminalIdentity,
  terminalSecretOf,
  terminalView,
  toTerminalView,
} from './store.js';

const tags = ['terminals'];
const closed = { additionalProperties: false } as const;
const unknownTerminal = () => new AppError('terminal_unknown', 404, 'This browser is not an enrolled terminal.');

/**
 * These commands carry a secret in their input (a code, the terminal's secret, a PIN): the result of a retry
 * under an Idempotency-Key would be stored, so these routes run without one.
 */
function originWithoutKey(request: FastifyRequest): Origin {
  const origin = originOf(request);
  delete origin.idempotencyKey;
  return origin;
}

function commandNamed(context: ModuleContext, name: string) {
  const command = context.commands.list().find((c) => c.name === name);
  if (!command) throw new Error(`no command ${name}`);
  return command;
}

/**
 * The terminal routes that are not a command's own: the list, "which terminal am I", and enrolment and
 * sign-in, which read or set the terminal's cookie around their command.
 */
export function terminalRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db = context.db as ReadDb<Database>;
  app.get(
    '/api/terminals',
    {
      config: { permission: 'identity.terminal.read' },
      schema: {
        tags,
        summary: 'The registered shop-floor terminals',
        operationId: 'identity.terminal.list',
        response: { 200: Type.Object({ items: Type.Array(terminalView) }, closed), ...errorResponses },
      },
    },
    async () => ({
      items: (await db.selectFrom('terminals').selectAll().orderBy('name').orderBy('id').execute()).map(toTerminalView),
    }),
  );
  app.get(
    '/api/terminals/current',
    {
      config: { permission: 'identity.terminal.current' },
      schema: {
        tags,
        summary: 'Which enrolled terminal this browser is (by its terminal cookie)',
        operationId: 'identity.terminal.current',
        response: { 200: terminalIdentity, ...errorResponses },
      },
    },
    async (request) => {
      const secret = terminalSecretOf(request.headers.cookie);
      const terminal = secret !== undefined ? await liveTerminal(db, secret) : undefined;
      if (!terminal) throw unknownTerminal();
      return { id: terminal.id, name: terminal.name, line: terminal.line };
    },
  );
  const enrol = commandNamed(context, 'identity.terminal.enrol');
  app.post(
    '/api/terminals/enrol',
    {
      config: { permission: 'identity.terminal.enrol', command: true },
      schema: {
        tags,
        summary: enrol.summary,
        operationId: enrol.name,
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }, closed),
        response: { 200: terminalIdentity, ...errorResponses },
      },
    },
    async (request, reply) => {
      const secret = newToken();
      const { code } = request.body as { code: string };
      const result: unknown = await context.commands.execute(
        enrol,
        { code, secret },
        request.actor,
        originWithoutKey(request),
      );
      reply.header('set-cookie', terminalCookie(secret));
      return result;
    },
  );
  const signIn = commandNamed(context, 'identity.terminal.sign-in');
  app.post(
    '/api/terminals/sign-in',
    {
      config: { permission: 'identity.terminal.sign-in', command: true },
      schema: {
        tags,
        summary: signIn.summary,
        operationId: signIn.name,
        body: Type.Object({ badge: badgeSchema, pin: pinSchema }, closed),
        response: { 200: loginResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const terminalSecret = terminalSecretOf(request.headers.cookie);
      if (terminalSecret === undefined) throw unknownTerminal();
      const { badge, pin } = request.body as { badge: string; pin: string };
      const result: unknown = await context.commands.execute(
        signIn,
        { terminalSecret, badge, pin },
        request.actor,
        originWithoutKey(request),
      );
      setSessionCookie(result, reply, context.config.session.absoluteHours * 3600);
      return result;
    },
  );
}
