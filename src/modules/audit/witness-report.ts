import { Type } from '@sinclair/typebox';
import { defineCommand } from './db.js';

/**
 * Puts a witness failure (and its recovery) on the audit trail: checkpoints that a witness missed meanwhile
 * are not independently kept, so whoever reviews the log must learn that from the log itself.
 */
export const witnessReport = defineCommand({
  name: 'audit.witness.report',
  summary: 'Record that an audit witness failed to keep a checkpoint, or keeps them again',
  input: Type.Object(
    {
      witness: Type.String({ maxLength: 1000 }),
      state: Type.Union([Type.Literal('failed'), Type.Literal('recovered')]),
      treeSize: Type.Integer({ minimum: 1 }),
      reason: Type.Optional(Type.String({ maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ recorded: Type.Literal(true) }, { additionalProperties: false }),
  errors: [],
  permission: 'audit.witness',
  internal: true,
  handler(ctx, input) {
    ctx.setTarget({ type: 'audit.witness', id: input.witness });
    ctx.note({
      state: input.state,
      treeSize: input.treeSize,
      ...(input.reason !== undefined && input.reason !== '' ? { reason: input.reason } : {}),
    });
    return Promise.resolve({ recorded: true as const });
  },
});
