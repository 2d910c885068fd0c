import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';

/** A place in the plant below the enterprise, as every module names one: `/site-1/area-1/line-2/press-1`. */
export const placePath = (description = 'a plant path such as /site-1/area-1/line-1') =>
  Type.String({ pattern: '^/[a-z0-9][a-z0-9._/-]*$', maxLength: 300, description });

/**
 * A command that reports a batch of readings at one place (telemetry from a gateway, process values): scoped
 * to that place, applied in one transaction, audited with counts only (the readings may be secrets).
 */
export function reportAtPlace<I extends TSchema, R extends Record<string, number>>(spec: {
  name: string;
  summary: string;
  items: I;
  key: string;
  apply: (ctx: CommandContext, equipment: string, items: Static<I>[]) => Promise<R>;
}) {
  const input = Type.Object(
    { equipment: placePath(), [spec.key]: Type.Array(spec.items, { minItems: 1, maxItems: 10_000 }) },
    { additionalProperties: false },
  );
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    input,
    permission: 'performance.record',
    scope: (value) => (value as { equipment: string }).equipment,
    async handler(ctx, value) {
      const { equipment } = value as { equipment: string };
      const items = (value as Record<string, Static<I>[]>)[spec.key]!;
      const outcome = await spec.apply(ctx, equipment, items);
      ctx.setTarget({ type: 'plant.node', id: equipment });
      ctx.note({ [spec.key]: items.length, ...outcome });
      return outcome;
    },
  });
}
