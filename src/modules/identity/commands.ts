import { Type } from '@sinclair/typebox';
import { AuthenticationError, ConflictError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { defineCommand } from '../../kernel/pipeline/types.js';
import { decoyHash, generateOneTimePassword, hashPassword, newSessionToken, verifyPassword } from './passwords.js';
import { hashToken } from './sessions.js';

const username = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._-]+$',
  description: 'letters, digits, dot, dash or underscore',
});
const password = Type.String({ minLength: 1, maxLength: 256 });
export const newPasswordSchema = Type.String({ minLength: 12, maxLength: 256, description: 'at least 12 characters' });

/** Creates the first administrator with a one-time password; refuses once any user exists. */
export const bootstrapAdmin = defineCommand({
  name: 'identity.bootstrap',
  summary: 'Create the bootstrap administrator',
  input: Type.Object({ username }, { additionalProperties: false }),
  permission: 'identity.bootstrap',
  internal: true,
  async handler(ctx, input) {
    const existing = await ctx.tx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (existing) throw new ConflictError('A bootstrap administrator already exists.', 'already_bootstrapped');
    const oneTimePassword = generateOneTimePassword();
    const id = newId();
    await ctx.tx
      .insertInto('users')
      .values({
        id,
        username: input.username,
        password_hash: await hashPassword(oneTimePassword),
        must_change_password: 1,
        is_bootstrap: 1,
        disabled: 0,
        created_at: ctx.now,
        password_changed_at: null,
      })
      .execute();
    ctx.setTarget({ type: 'user', id });
    ctx.emit('identity.user-created', { userId: id });
    return { userId: id, username: input.username, oneTimePassword };
  },
});

/** Login opens a session that ends by itself after `sessionHours`. */
export const loginCommand = (sessionHours: number) =>
  defineCommand({
    name: 'identity.login',
    summary: 'Log in and open a session',
    input: Type.Object({ username, password }, { additionalProperties: false }),
    permission: 'identity.session.create',
    async handler(ctx, input) {
      const user = await ctx.tx
        .selectFrom('users')
        .selectAll()
        .where('username', '=', input.username)
        .executeTakeFirst();
      const valid = await verifyPassword(user?.password_hash ?? (await decoyHash()), input.password);
      if (!user || !valid || user.disabled === 1) throw new AuthenticationError('User name or password is wrong.');
      const token = newSessionToken();
      const sessionId = newId();
      const expiresAt = ctx.now + sessionHours * 3_600_000;
      await ctx.tx
        .insertInto('sessions')
        .values({
          id: sessionId,
          token_hash: hashToken(token),
          user_id: user.id,
          created_at: ctx.now,
          last_seen_at: ctx.now,
          expires_at: expiresAt,
          revoked_at: null,
        })
        .execute();
      ctx.setTarget({ type: 'user', id: user.id });
      ctx.note({ sessionId });
      return {
        token,
        sessionId,
        expiresAt: new Date(expiresAt).toISOString(),
        mustChangePassword: user.must_change_password === 1,
      };
    },
  });

export const logout = defineCommand({
  name: 'identity.logout',
  summary: 'End the current session',
  input: Type.Object({}, { additionalProperties: false }),
  permission: 'identity.session.end',
  async handler(ctx) {
    if (!ctx.actor.sessionId) throw new ValidationError('There is no session to end.');
    await ctx.tx.updateTable('sessions').set({ revoked_at: ctx.now }).where('id', '=', ctx.actor.sessionId).execute();
    ctx.setTarget({ type: 'session', id: ctx.actor.sessionId });
    return { ended: true };
  },
});

export const changePassword = defineCommand({
  name: 'identity.change-password',
  summary: "Change one's own password",
  input: Type.Object({ currentPassword: password, newPassword: newPasswordSchema }, { additionalProperties: false }),
  permission: 'identity.password.change',
  async handler(ctx, input) {
    const user = await ctx.tx.selectFrom('users').selectAll().where('id', '=', ctx.actor.id).executeTakeFirst();
    if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
      throw new AuthenticationError('The current password is wrong.');
    }
    if (input.newPassword === input.currentPassword)
      throw new ValidationError('The new password must differ from the current one.', [
        { path: '/newPassword', message: 'must differ from the current password' },
      ]);
    await ctx.tx
      .updateTable('users')
      .set({
        password_hash: await hashPassword(input.newPassword),
        must_change_password: 0,
        password_changed_at: ctx.now,
      })
      .where('id', '=', user.id)
      .execute();
    ctx.setTarget({ type: 'user', id: user.id });
    return { changed: true };
  },
});

export const identityCommands = (sessionHours: number) => [
  bootstrapAdmin,
  loginCommand(sessionHours),
  logout,
  changePassword,
];
