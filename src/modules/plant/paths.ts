import { Type, type Static, type TNumber, type TRecord, type TSchema, type TString } from '@sinclair/typebox';
import type { ErrorCode } from '../../kernel/error-codes.js';
import {
  commandsOn,
  type CommandContext,
  type CommandDefinition,
  type CommandHttp,
} from '../../kernel/pipeline/types.js';
import type { AnyTables } from '../../kernel/store.js';

/** A place in the plant below the enterprise, as every module names one: `/site-1/area-1/line-2/press-1`. */
export const placePath = (description = 'a plant path such as /site-1/area-1/line-1') =>
  Type.String({ pattern: '^/[a-z0-9][a-z0-9._/-]*$', maxLength: 300, description });

/**
 * A command that reports a batch of readings at one place (telemetry from a gateway, process values): scoped
 * to that place, applied in one transaction, audited with counts only (the readings may be secrets).
 * The command is the caller's (its handler writes the caller's tables), so it is typed with `AnyTables`: the
 * caller's `apply` narrows the context to its own tables. `output` should name the counts `apply` returns;
 * without it the answer is declared as a map of counts (a transition default while callers convert).
 */
const countsByName = Type.Record(Type.String(), Type.Number());
export function reportAtPlace<
  I extends TSchema,
  O extends TSchema = TRecord<TString, TNumber>,
  R extends Static<O> & Record<string, number> = Static<O> & Record<string, number>,
>(spec: {
  name: string;
  summary: string;
  items: I;
  key: string;
  output?: O;
  errors?: readonly ErrorCode[];
  http?: CommandHttp;
  apply: (ctx: CommandContext, equipment: string, items: Static<I>[]) => Promise<R>;
}): CommandDefinition<TSchema, O, AnyTables> {
  const input = Type.Object(
    { equipment: placePath(), [spec.key]: Type.Array(spec.items, { minItems: 1, maxItems: 10_000 }) },
    { additionalProperties: false },
  );
  return commandsOn<AnyTables>()({
    name: spec.name,
    summary: spec.summary,
    input,
    output: (spec.output ?? countsByName) as O,
    errors: spec.errors ?? [],
    ...(spec.http ? { http: spec.http } : {}),
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
