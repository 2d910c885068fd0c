import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../../../kernel/error-codes.js';
import type { PermissionCatalog } from '../../../kernel/pipeline/permissions.js';
import { type CommandContext } from '../../../kernel/pipeline/types.js';
import { defineCommand, type Database } from '../db.js';
import { idParams, userId } from '../schemas.js';
import { userById } from '../users-store.js';
import { accountApprovals, assertMayActOn, type AccountAct } from './escalation.js';

const accountInput = Type.Object({ userId }, { additionalProperties: false });
export type AccountInput = Static<typeof accountInput>;

/** What acting on an account may refuse: no such account, the no-escalation rule, self-service, dual control. */
const accountErrors: ErrorCode[] = ['not_found', 'privilege_escalation', 'separation_of_duties', 'dual_control'];

/**
 * A command that acts on another account named by its input. Who may run it, and with whose approval, is
 * escalation.ts's rule, checked in the transaction before `run` writes anything; an unknown account is a 404.
 * Its route is `POST /api/users/:id/<path>`.
 */
export const accountCommand = <O extends TSchema>(
  catalog: PermissionCatalog,
  spec: {
    name: string;
    summary: string;
    act: AccountAct;
    path: string;
    output: O;
    run: (ctx: CommandContext<Database>, input: AccountInput) => Promise<Static<O>>;
  },
) =>
  defineCommand({
    name: spec.name,
    summary: spec.summary,
    input: accountInput,
    output: spec.output,
    errors: accountErrors,
    permission: spec.act.permission,
    http: {
      method: 'POST',
      url: `/api/users/:id/${spec.path}`,
      params: idParams,
      toInput: (params) => ({ userId: params.id }),
    },
    approvals: accountApprovals(catalog, spec.act),
    async handler(ctx, input) {
      await userById(ctx.tx, input.userId);
      await assertMayActOn(ctx, catalog, input.userId, spec.act);
      return spec.run(ctx, input);
    },
  });
