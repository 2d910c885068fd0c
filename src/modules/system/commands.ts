import { Type } from '@sinclair/typebox';
import { canonicalDigest } from '../../kernel/digest.js';
import { defineCommand } from './db.js';
import type { Dialect } from '../../kernel/store.js';
import { latestRecordOf } from '../audit/index.js';

const lifecycleInput = Type.Object(
  {
    version: Type.String(),
    config: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

/** Keys (dotted) whose values differ between two configuration snapshots. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ''): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].sort().flatMap((key) => {
    const [a, b] = [before[key], after[key]];
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (isObject(a) && isObject(b))
      return changedKeys(a as Record<string, unknown>, b as Record<string, unknown>, `${prefix}${key}.`);
    return canonicalDigest(a ?? null) === canonicalDigest(b ?? null) ? [] : [`${prefix}${key}`];
  });
}

/**
 * Records a start-up with the (secret-free) configuration in force; when it differs from the previous
 * start, the record lists the changed keys, so every configuration change is on the audit trail.
 */
export const systemStartCommand = (dialect: Dialect) =>
  defineCommand({
    name: 'system.start',
    summary: 'Record a start of Bastion and any configuration change since the last start',
    input: lifecycleInput,
    output: Type.Object({ configChanged: Type.Array(Type.String()) }, { additionalProperties: false }),
    errors: [],
    permission: 'system.lifecycle',
    internal: true,
    async handler(ctx, input) {
      const previous = await latestRecordOf(dialect, 'system.start', ctx.tx);
      const before = (previous?.record.details?.config ?? undefined) as Record<string, unknown> | undefined;
      const changed = before ? changedKeys(before, input.config) : [];
      ctx.note({
        version: input.version,
        node: process.version,
        dialect: dialect.dialect,
        config: input.config,
        configDigest: canonicalDigest(input.config),
        configChanged: changed,
      });
      if (changed.length > 0) ctx.emit('system.config-changed', { keys: changed });
      return { configChanged: changed };
    },
  });

export const systemStop = defineCommand({
  name: 'system.stop',
  summary: 'Record an orderly stop of Bastion',
  input: Type.Object({ reason: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
  output: Type.Object({ stopped: Type.Boolean() }, { additionalProperties: false }),
  errors: [],
  permission: 'system.lifecycle',
  internal: true,
  handler(ctx, input) {
    ctx.note({ reason: input.reason });
    return Promise.resolve({ stopped: true });
  },
});
