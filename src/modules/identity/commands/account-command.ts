import { Type, type Static } from '@sinclair/typebox';
import type { PermissionCatalog } from '../../../kernel/pipeline/permissions.js';
import { type CommandContext } from '../../../kernel/pipeline/types.js';
import { defineCommand } from '../db.js';
import { userId } from '../schemas.js';
import { userById } from '../users-store.js';
import { accountApprovals, assertMayActOn, type AccountAct } from './escalation.js';

const accountInput = Type.Object({ userId }, { additionalProperties: false });
export type AccountInput = Static<typeof accountInput>;

/**
 * A command that acts on another account named by its input. Who may run it, and with whose approval, is
 * escalation.ts's rule, checked in the transaction before `run` writes anything; an unknown account is a 404.
 */
export const accountCommand = <R>(
  catalog: PermissionCatalog,
  spec: {
    name: string;
    summary: string;
    act: AccountAct;
    run: (ctx: CommandContext, input: AccountInput) => Promise<R>;
  },
) =>
  defineCommand({
    name: spec.name,
    summary: spec.summary,
    input: accountInput,
    permission: spec.act.permission,
    approvals: accountApprovals(catalog, spec.act),
    async handler(ctx, input) {
      await userById(ctx.tx, input.userId);
      await assertMayActOn(ctx, catalog, input.userId, spec.act);
      return spec.run(ctx, input);
    },
  });
