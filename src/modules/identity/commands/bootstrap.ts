import { Type } from '@sinclair/typebox';
import { ConflictError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import { defineCommand } from '../db.js';
import { ADMINISTRATOR } from '../roles.js';
import { username } from '../schemas.js';
import { ENTERPRISE } from '../scope.js';
import { insertAccount } from '../users-store.js';

/** Creates the first administrator (role administrator at the enterprise) with a one-time password. */
export const bootstrapAdmin = defineCommand({
  name: 'identity.bootstrap',
  summary: 'Create the bootstrap administrator',
  input: Type.Object({ username }, { additionalProperties: false }),
  output: Type.Object(
    { userId: Type.String(), username: Type.String(), oneTimePassword: Type.String() },
    { additionalProperties: false },
  ),
  errors: ['already_bootstrapped'],
  permission: 'identity.bootstrap',
  internal: true,
  async handler(ctx, input) {
    const existing = await ctx.tx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (existing) throw new ConflictError('A bootstrap administrator already exists.', 'already_bootstrapped');
    const { id, oneTimePassword } = await insertAccount(ctx.tx, ctx.cipher, {
      username: input.username,
      display_name: 'Bootstrap administrator',
      kind: 'human',
      is_bootstrap: 1,
      created_at: ctx.now,
      created_by: ctx.actor.id,
    });
    await ctx.tx
      .insertInto('role_grants')
      .values({
        id: newId(),
        user_id: id,
        role: ADMINISTRATOR,
        scope: ENTERPRISE,
        granted_by: ctx.actor.id,
        created_at: ctx.now,
        expires_at: null,
        revoked_at: null,
      })
      .execute();
    ctx.setTarget({ type: 'user', id });
    ctx.emit('identity.user-created', { userId: id });
    return { userId: id, username: input.username, oneTimePassword };
  },
});
