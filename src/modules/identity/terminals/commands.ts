import { Type } from '@sinclair/typebox';
import { AuthenticationError, NotFoundError, RateLimitedError, ValidationError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import { CommandRefusal } from '../../../kernel/pipeline/types.js';
import { nodeByPath } from '../../plant/index.js';
import { defineCommand } from '../db.js';
import { idParams, scope } from '../schemas.js';
import { hashToken } from '../sessions.js';
import { sessionsChanged } from '../session-cache/changes.js';
import type { AddressThrottle } from '../throttle.js';
import { ENROLMENT_MINUTES, newEnrolmentCode, normaliseCode, terminalIdentity } from './store.js';

const closed = { additionalProperties: false } as const;

/**
 * Registers a terminal for one line and answers its one-time enrolment code (shown once; only its digest is
 * kept, and never audited). The code is typed into the terminal's browser within 15 minutes.
 */
export const registerTerminal = defineCommand({
  name: 'identity.terminal.register',
  summary: 'Register a shop-floor terminal bound to a line',
  input: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), line: scope }, closed),
  output: Type.Object(
    {
      id: Type.String(),
      name: Type.String(),
      line: Type.String(),
      enrolmentCode: Type.String(),
      enrolmentExpiresAt: Type.String(),
    },
    closed,
  ),
  errors: ['not_found', 'validation_failed'],
  permission: 'identity.terminal.register',
  scope: (input) => input.line,
  http: { method: 'POST', url: '/api/terminals', tags: ['terminals'] },
  async handler(ctx, input) {
    const node = await nodeByPath(ctx.tx, input.line);
    if (!node || node.retired_at !== null) throw new NotFoundError(`No live plant node at ${input.line}.`);
    if (node.level !== 'line')
      throw new ValidationError(`A terminal is bound to a line; ${input.line} is a ${node.level}.`, [
        { path: '/line', message: 'must name a plant node of level line' },
      ]);
    const id = newId();
    const code = newEnrolmentCode();
    const expiresAt = ctx.now + ENROLMENT_MINUTES * 60_000;
    await ctx.tx
      .insertInto('terminals')
      .values({
        id,
        name: input.name,
        line: input.line,
        enrolment_code_hash: hashToken(code),
        enrolment_expires_at: expiresAt,
        secret_hash: null,
        enrolled_at: null,
        last_seen_at: null,
        revoked_at: null,
        created_at: ctx.now,
        created_by: ctx.actor.id,
      })
      .execute();
    ctx.setTarget({ type: 'terminal', id });
    ctx.note({ name: input.name, line: input.line, enrolmentExpiresAt: new Date(expiresAt).toISOString() });
    return {
      id,
      name: input.name,
      line: input.line,
      enrolmentCode: code,
      enrolmentExpiresAt: new Date(expiresAt).toISOString(),
    };
  },
});

/** Ends a terminal's identity and, at once, every session opened on it; its cookie no longer names anything. */
export const revokeTerminal = defineCommand({
  name: 'identity.terminal.revoke',
  summary: "Revoke a terminal's identity and end every session opened on it",
  input: Type.Object({ terminalId: Type.String({ format: 'uuid' }) }, closed),
  output: Type.Object({ revoked: Type.Boolean(), endedSessions: Type.Integer() }, closed),
  errors: ['not_found'],
  permission: 'identity.terminal.revoke',
  http: {
    method: 'POST',
    url: '/api/terminals/:id/revoke',
    tags: ['terminals'],
    params: idParams,
    toInput: (params) => ({ terminalId: params.id }),
  },
  async handler(ctx, input) {
    const terminal = await ctx.tx
      .selectFrom('terminals')
      .select(['id', 'revoked_at'])
      .where('id', '=', input.terminalId)
      .executeTakeFirst();
    if (!terminal) throw new NotFoundError('No such terminal.');
    ctx.setTarget({ type: 'terminal', id: terminal.id });
    if (terminal.revoked_at === null)
      await ctx.tx
        .updateTable('terminals')
        .set({ revoked_at: ctx.now, enrolment_code_hash: null })
        .where('id', '=', terminal.id)
        .execute();
    const ended = await ctx.tx
      .updateTable('sessions')
      .set({ revoked_at: ctx.now })
      .where('terminal_id', '=', terminal.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const endedSessions = Number(ended.numUpdatedRows);
    await sessionsChanged(ctx);
    ctx.note({ endedSessions, alreadyRevoked: terminal.revoked_at !== null });
    return { revoked: true, endedSessions };
  },
});

const badCode = () => new AuthenticationError('The enrolment code is not valid.');

/**
 * Enrols the browser as the terminal the code names. The route makes the secret, sets it as the terminal's
 * cookie and passes it here to be stored as a digest; the code is spent in the same update that checks it.
 */
export const enrolTerminalCommand = (throttle: AddressThrottle) =>
  defineCommand({
    name: 'identity.terminal.enrol',
    summary: 'Enrol this browser as a terminal with its one-time code',
    input: Type.Object(
      {
        code: Type.String({ minLength: 1, maxLength: 32 }),
        secret: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
      },
      closed,
    ),
    output: terminalIdentity,
    errors: ['unauthenticated', 'rate_limited'],
    permission: 'identity.terminal.enrol',
    async handler(ctx, input) {
      const address = ctx.origin.address;
      if (throttle.blocked(address, ctx.now)) {
        ctx.note({ refusal: 'address_throttled' });
        return new CommandRefusal(new RateLimitedError('Too many failed attempts from this address; try later.'));
      }
      const codeHash = hashToken(normaliseCode(input.code));
      const spent = await ctx.tx
        .updateTable('terminals')
        .set({
          enrolment_code_hash: null,
          secret_hash: hashToken(input.secret),
          enrolled_at: ctx.now,
          last_seen_at: ctx.now,
        })
        .where('enrolment_code_hash', '=', codeHash)
        .where('enrolled_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('enrolment_expires_at', '>', ctx.now)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) {
        throttle.fail(address, ctx.now);
        ctx.note({ refusal: 'enrolment_code_invalid' });
        return new CommandRefusal(badCode());
      }
      const terminal = await ctx.tx
        .selectFrom('terminals')
        .select(['id', 'name', 'line'])
        .where('secret_hash', '=', hashToken(input.secret))
        .executeTakeFirstOrThrow();
      ctx.setTarget({ type: 'terminal', id: terminal.id });
      return terminal;
    },
  });
