import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR, SYSTEM_ORIGIN } from '../../kernel/actors.js';
import type { ModuleContext } from '../../kernel/module.js';
import { AuthenticationError, ForbiddenError } from '../../kernel/errors.js';
import type { Actor, SignatureInput, SignatureVerifier } from '../../kernel/pipeline/types.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { signatureFailed } from './commands/session.js';
import type { SecretBox } from './secrets.js';
import { verifyPassword } from './passwords.js';
import { totpStep } from './totp.js';

/**
 * 21 CFR 11.200: the first signing of a session needs every component (user name, password and, when
 * enrolled, a fresh TOTP code); later signings in the same session need at least the password. Every
 * wrong attempt is recorded; repeated ones raise a security event and then end the session (11.300(d)).
 */
export class SessionSignatures implements SignatureVerifier {
  /** TOTP steps used by signatures verified but not yet committed, by session. */
  private readonly steps = new Map<string, number>();

  constructor(
    private readonly context: ModuleContext,
    private readonly secrets: SecretBox,
  ) {}

  async verify(actor: Actor, signature: SignatureInput, at: number): Promise<void> {
    if (actor.kind !== 'user' || actor.sessionId === undefined || actor.sessionId === '')
      throw new ForbiddenError('Only a person logged in can sign electronically.', 'signer_not_person');
    const row = await (this.context.db as ReadDb<Database>)
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.signed_at',
        'users.username',
        'users.password_hash',
        'users.totp_enabled',
        'users.totp_secret',
        'users.totp_last_step',
      ])
      .where('sessions.id', '=', actor.sessionId)
      .executeTakeFirstOrThrow();
    let valid = await verifyPassword(row.password_hash, signature.password);
    if (row.signed_at === null) {
      valid &&= signature.username === row.username;
      if (row.totp_enabled === 1 && row.totp_secret !== null && row.totp_secret !== '') {
        const step =
          signature.totp !== undefined && signature.totp !== ''
            ? totpStep(this.secrets.open(row.totp_secret, `identity.totp:${actor.id}`), signature.totp, at)
            : undefined;
        valid &&= step !== undefined && (row.totp_last_step === null || step > row.totp_last_step);
        if (valid) this.steps.set(actor.sessionId, step!);
      }
    }
    if (valid) return;
    await this.context.commands.execute(signatureFailed, { sessionId: actor.sessionId }, SYSTEM_ACTOR, SYSTEM_ORIGIN);
    const needs = row.signed_at === null ? 'user name, password and authenticator code' : 'password';
    throw new AuthenticationError(`The signature was refused: re-enter your ${needs}.`);
  }

  async signed(tx: Kysely<Database>, actor: Actor, at: number): Promise<void> {
    const sessionId = actor.sessionId!;
    await tx
      .updateTable('sessions')
      .set({ signed_at: at })
      .where('id', '=', sessionId)
      .where('signed_at', 'is', null)
      .execute();
    const step = this.steps.get(sessionId);
    this.steps.delete(sessionId);
    if (step !== undefined)
      await tx.updateTable('users').set({ totp_last_step: step }).where('id', '=', actor.id).execute();
  }
}
