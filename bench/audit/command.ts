import { Type } from '@sinclair/typebox';
import type { Bastion } from '../../src/app/bastion.js';
import { NotFoundError } from '../../src/kernel/errors.js';
import { newId } from '../../src/kernel/ids.js';
import { CommandPipeline } from '../../src/kernel/pipeline/pipeline.js';
import { defineCommand, type AuditSink, type Authorizer } from '../../src/kernel/pipeline/types.js';
import { inTransaction, type Storage } from '../../src/storage/storage.js';

/** Bench-owned tables; they live only in the bench database, so they need no migration. (A type alias,
 * not an interface: Kysely's withTables() wants the implicit index signature only aliases have.) */
type BenchTables = {
  bench_counters: { name: string; value: number; updated_at: number };
  bench_events: { id: string; counter: string; delta: number; at: number };
};

export const BUMP = 'bench.counter-bump';
export const COUNTERS = 16;
export const counterName = (i: number): string => `line-${i % COUNTERS}`;

export async function createBenchTables(storage: Storage): Promise<void> {
  const { bigIntType } = storage.capabilities;
  await storage.db.schema
    .createTable('bench_counters')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', bigIntType, (c) => c.notNull())
    .addColumn('updated_at', bigIntType, (c) => c.notNull())
    .execute();
  await storage.db.schema
    .createTable('bench_events')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('counter', 'text', (c) => c.notNull())
    .addColumn('delta', 'integer', (c) => c.notNull())
    .addColumn('at', bigIntType, (c) => c.notNull())
    .execute();
  const rows = Array.from({ length: COUNTERS }, (_, i) => ({ name: counterName(i), value: 0, updated_at: 0 }));
  await storage.db.withTables<BenchTables>().insertInto('bench_counters').values(rows).execute();
}

/** A realistic small command: validated input, one row updated, one row inserted, target and digests audited. */
export const bumpCounter = defineCommand({
  name: BUMP,
  summary: 'Add to a production counter and log the increment (bench only)',
  input: Type.Object(
    {
      counter: Type.String({ pattern: '^line-[0-9]{1,3}$' }),
      delta: Type.Integer({ minimum: 1, maximum: 1000 }),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ value: Type.Integer() }),
  errors: ['not_found'],
  permission: BUMP,
  async handler(ctx, input) {
    const tx = ctx.tx.withTables<BenchTables>();
    const row = await tx
      .updateTable('bench_counters')
      .set((eb) => ({ value: eb('value', '+', input.delta), updated_at: ctx.now }))
      .where('name', '=', input.counter)
      .returning('value')
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`No counter ${input.counter}.`);
    await tx
      .insertInto('bench_events')
      .values({ id: newId(), counter: input.counter, delta: input.delta, at: ctx.now })
      .execute();
    ctx.setTarget({ type: 'bench.counter', id: input.counter });
    ctx.recordChange({ value: row.value - input.delta }, { value: row.value });
    ctx.note({ delta: input.delta });
    return { value: row.value };
  },
});

const allowAll: Authorizer = { authorize: () => Promise.resolve({ allowed: true }) };
const noAudit: AuditSink = { append: () => Promise.resolve({ seq: 0, id: '' }) };

/**
 * The Bastion's own pipeline (audit on) and a twin built from the very same dependencies whose audit sink
 * does nothing (audit off). Both allow every actor, so the audit log is the only difference measured.
 */
export function benchPipelines(bastion: Bastion): { on: CommandPipeline; off: CommandPipeline } {
  bastion.permissions.register({ name: BUMP, description: 'Bump a bench counter' });
  const { storage, events, permissions, clock, logger } = bastion;
  const off = new CommandPipeline({
    store: { ...storage, transact: (work) => inTransaction(storage, logger, work) },
    events,
    permissions,
    clock,
    logger,
    authorizer: allowAll,
    audit: noAudit,
  });
  const on = bastion.pipeline;
  on.setAuthorizer(allowAll);
  on.register(bumpCounter);
  off.register(bumpCounter);
  return { on, off };
}
