import type { Kysely } from 'kysely';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { batchInput, batchOutput, type BatchContent } from './batch-content.js';
import { defineCommand, type Database } from './db.js';
import type { ValueRow } from './batch-root.js';
import { applyMachineTelemetry, bindings, equipmentOf, markDisconnected } from './machine.js';
import { applyRecipeMetrics } from './recipe-metrics.js';
import { batchRootOffThread } from './root-worker.js';
import { insertBatch, insertValues } from './values-insert.js';

async function insertAside(tx: Kysely<Database>, content: BatchContent) {
  const messages = content.quarantined.map((m) => ({
    id: newId(),
    device_id: m.deviceId,
    topic: m.topic,
    received_at: m.receivedAt,
    size: m.size,
    payload: m.payload,
    reason: m.reason ?? null,
  }));
  if (messages.length > 0) await tx.insertInto('ingest_quarantine').values(messages).execute();
  const events = content.events.map((e) => ({
    id: newId(),
    at: e.at,
    kind: e.kind,
    device_id: e.deviceId,
    username: e.username,
    address: e.address,
    detail: e.detail,
    count: e.count,
  }));
  if (events.length > 0) await tx.insertInto('ingest_security_events').values(events).execute();
}

function span(rows: ValueRow[]): [number | null, number | null] {
  let [first, last] = [Infinity, -Infinity];
  for (const { ts } of rows) [first, last] = [Math.min(first, ts), Math.max(last, ts)];
  return rows.length > 0 ? [first, last] : [null, null];
}

/** Where each row's machine is: resolved once per (device, Sparkplug device) for the batch. */
async function equipmentResolver(ctx: CommandContext<Database>, rows: readonly ValueRow[]) {
  const bound = await bindings(ctx, [...new Set(rows.map((r) => r.deviceId))]);
  const cache = new Map<string, string | undefined>();
  return async (row: ValueRow, device: string | null) => {
    const key = `${row.deviceId}\u0000${device ?? ''}`;
    if (!cache.has(key)) {
      const base = bound.get(row.deviceId);
      cache.set(key, base === undefined ? undefined : await equipmentOf(ctx, base, device));
    }
    return cache.get(key);
  };
}

/**
 * Telemetry is not audited record by record: one batch, one transaction, one audit record carrying the
 * batch's Merkle root over its rows (so any later change to a committed row is detectable), written by
 * the pipeline in the same transaction as the rows. Machine metrics (State, Fault, counters) also become
 * states and part counts of the equipment, in that same transaction.
 */
export const commitBatch = defineCommand({
  name: 'ingest.batch.commit',
  summary: 'Commit a batch of device data, quarantined messages and security events',
  input: batchInput,
  output: batchOutput,
  // Machine and recipe metrics that the state refuses are counted as ignored, never thrown (machine.ts).
  errors: [],
  permission: 'ingest.batch',
  internal: true,
  async handler(ctx, input) {
    const batchId = newId();
    const root = batchRootOffThread(input.values); // hashed on a worker while the rows are inserted here
    if (input.values.length > 0) await insertValues(ctx.tx, await insertBatch(ctx.tx, batchId), input.values);
    await insertAside(ctx.tx, input);
    const telemetry = await applyMachineTelemetry(ctx, input.values);
    const disconnected = await markDisconnected(ctx, input.offline ?? []);
    const recipes = await applyRecipeMetrics(ctx, input.values, () => equipmentResolver(ctx, input.values));
    const [firstTs, lastTs] = span(input.values);
    ctx.setTarget({ type: 'ingest.batch', id: batchId });
    ctx.note({
      count: input.values.length,
      root: (await root).toString('hex'),
      firstTs,
      lastTs,
      quarantined: input.quarantined.length,
      securityEvents: input.events.length,
      telemetry,
      ...(disconnected > 0 ? { disconnected } : {}),
      recipes,
    });
    for (const event of input.events) ctx.emit('ingest.security-event', { ...event });
    return { batchId, count: input.values.length };
  },
});
