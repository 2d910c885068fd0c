import { Type } from '@sinclair/typebox';
import type { BastionConfig } from '../../../kernel/config/schema.js';
import { defineCommand, type CommandContext } from '../../../kernel/pipeline/types.js';
import type { DataCatalog } from '../../../kernel/privacy/catalog.js';
import { deleteExpiredBatch } from './batches.js';
import { eraseFormerStaff } from './former-staff.js';
import { FORMER_STAFF, retentionTargets } from './targets.js';

export const DISPOSE_PERMISSION = 'privacy.dispose';
export const DEFAULT_BATCH = 1000;

const closed = { additionalProperties: false } as const;

export const disposalLine = Type.Object(
  {
    table: Type.String(),
    rule: Type.String(),
    /** Rows deleted, or for former staff: accounts erased (keys shredded, names pseudonymised). */
    deleted: Type.Integer({ minimum: 0 }),
  },
  closed,
);

const disposeInput = Type.Object(
  { batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: DEFAULT_BATCH })) },
  closed,
);

const disposeOutput = Type.Object(
  {
    tables: Type.Array(disposalLine),
    /** Some table may hold more expired rows: run again (a pass repeats until this is false). */
    more: Type.Boolean(),
  },
  closed,
);

/** What the disposal commands need of the module context (the field cipher comes with each command's context). */
export interface DisposalDeps {
  config: Pick<BastionConfig, 'privacy'>;
  catalog: DataCatalog;
}

/**
 * One batch of every retention rule in one transaction: at most `batchSize` rows per table, audited with the
 * count per table. The clock is the command's (`ctx.now`), so the cutoffs are those of the audit record.
 */
async function disposeBatch(deps: DisposalDeps, ctx: CommandContext, batchSize: number) {
  const tables: { table: string; rule: string; deleted: number }[] = [];
  let more = false;
  for (const target of retentionTargets(deps.catalog, deps.config.privacy.retention, ctx.now)) {
    let deleted: number;
    if (target.rule === FORMER_STAFF) {
      deleted = (await eraseFormerStaff(ctx, target, batchSize)).erased;
    } else {
      deleted = await deleteExpiredBatch(ctx.tx, target, batchSize);
    }
    more ||= deleted >= batchSize;
    tables.push({ table: target.table, rule: target.rule, deleted });
  }
  ctx.setTarget({ type: 'privacy.retention', id: 'dispose' });
  ctx.note({ disposed: tables, batchSize });
  return { tables, more };
}

/**
 * `privacy.dispose`: a security officer's (CLI, API) batch; `privacy.dispose.scheduled`: the same batch as the
 * server's own timer runs it (the system actor runs internal commands only).
 */
export function disposalCommands(deps: DisposalDeps) {
  const base = {
    input: disposeInput,
    output: disposeOutput,
    errors: [],
    permission: DISPOSE_PERMISSION,
    handler: (ctx: CommandContext, input: { batchSize?: number }) =>
      disposeBatch(deps, ctx, input.batchSize ?? DEFAULT_BATCH),
  };
  const dispose = defineCommand({
    ...base,
    name: 'privacy.dispose',
    summary: 'Dispose of one batch of data past its retention (per category rule); repeat while `more`',
    http: { method: 'POST', url: '/api/privacy/dispose' },
  });
  const scheduled = defineCommand({
    ...base,
    name: 'privacy.dispose.scheduled',
    summary: 'Dispose of one batch of data past its retention, on the server schedule',
    internal: true,
  });
  return { dispose, scheduled };
}
