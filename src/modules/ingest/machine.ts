import { AppError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { CommandContext } from '../../kernel/pipeline/types.js';
import type { Database } from './db.js';
import { recordState } from '../performance/index.js';
import { applyTelemetry, type MachineSample, type TelemetryOutcome } from '../performance/index.js';
import type { ValueRow } from './batch-root.js';
import type { Offline } from './batch-content.js';
import { sameTransaction } from './same-transaction.js';

type Kind = 'state' | 'fault' | 'total' | 'good';

/** The metrics a machine reports (the simulator's names, src/simulate/sparkplug-edge.ts). */
const KINDS = new Map<string, Kind>([
  ['State', 'state'],
  ['Fault', 'fault'],
  ['Count/Total', 'total'],
  ['Count/Good', 'good'],
]);

/** A machine metric's kind and Sparkplug device (null: the edge node itself); undefined for other metrics. */
export function machineMetric(metric: string): { device: string | null; kind: Kind } | undefined {
  const own = KINDS.get(metric);
  if (own) return { device: null, kind: own };
  const cut = metric.indexOf('/');
  const kind = cut > 0 ? KINDS.get(metric.slice(cut + 1)) : undefined;
  return kind && { device: metric.slice(0, cut), kind };
}

/** States and faults are texts, counters non-negative integers; anything else is not applied (but counted). */
function valueOf(kind: Kind, row: ValueRow): string | number | undefined {
  if (kind === 'state' || kind === 'fault') return row.text ?? undefined;
  return row.num !== null && Number.isSafeInteger(row.num) && row.num >= 0 ? row.num : undefined;
}

interface Source {
  deviceId: string;
  device: string | null;
  samples: MachineSample[];
}

/**
 * Groups a batch's machine metrics into samples per (device, Sparkplug device). A message's rows are
 * contiguous in the batch, so a sample is one message's State, Fault and counters together (a fault then
 * goes with the down state it explains): it ends at another device's row or when a metric repeats.
 */
function collect(rows: readonly ValueRow[]): { sources: Map<string, Source>; bad: number } {
  const sources = new Map<string, Source>();
  let open = new Map<string, MachineSample>();
  let bad = 0;
  let lastDevice: string | undefined;
  for (const row of rows) {
    const found = machineMetric(row.metric);
    if (!found) continue;
    const value = valueOf(found.kind, row);
    if (value === undefined) {
      bad += 1;
      continue;
    }
    if (row.deviceId !== lastDevice) [open, lastDevice] = [new Map<string, MachineSample>(), row.deviceId];
    const key = `${row.deviceId}\u0000${found.device ?? ''}`;
    let sample = open.get(key);
    if (!sample || sample[found.kind] !== undefined) {
      let source = sources.get(key);
      if (!source) sources.set(key, (source = { deviceId: row.deviceId, device: found.device, samples: [] }));
      source.samples.push((sample = { ts: row.ts }));
      open.set(key, sample);
    }
    Object.assign(sample, { [found.kind]: value });
  }
  return { sources, bad };
}

/**
 * The equipment a Sparkplug device of an edge node stands for: the live plant node below the node's
 * equipment E whose code is the device ID (lowercased), e.g. E/extrude/press-1 for `press-1`; else E.
 */
export async function equipmentOf(ctx: CommandContext<Database>, base: string, device: string | null): Promise<string> {
  if (device === null) return base;
  const code = device.toLowerCase();
  const below = await ctx.tx
    .selectFrom('plant_nodes')
    .select('path')
    .where('code', '=', code)
    .where('retired_at', 'is', null)
    .execute();
  const match = below.map((n) => n.path).find((path) => path === `${base}/${code}` || path.startsWith(`${base}/`));
  return match ?? base;
}

export async function bindings(ctx: CommandContext<Database>, deviceIds: string[]): Promise<Map<string, string>> {
  if (deviceIds.length === 0) return new Map();
  const rows = await ctx.tx
    .selectFrom('ingest_devices')
    .select(['id', 'node_path'])
    .where('id', 'in', deviceIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.node_path]));
}

export interface MachineOutcome extends TelemetryOutcome {
  equipment: number;
}

const HOUR = 3_600_000;

/**
 * Parts stored without an ideal cycle time are a data-quality event of the device that reported them, in
 * the batch's transaction (so with the parts): nobody learns otherwise that OEE for them cannot be computed.
 * One row per device and equipment an hour, its count raised by each later batch, so a machine reporting
 * every second does not add a row a second (how many parts is in each batch's audit record).
 */
async function unratedEvent(ctx: CommandContext<Database>, deviceId: string, equipment: string): Promise<void> {
  const detail = `parts at ${equipment} without an ideal cycle time: performance cannot be computed`;
  const recent = await ctx.tx
    .selectFrom('ingest_security_events')
    .select(['id', 'count'])
    .where('at', '>', ctx.now - HOUR)
    .where('kind', '=', 'data-quality')
    .where('device_id', '=', deviceId)
    .where('detail', '=', detail)
    .executeTakeFirst();
  if (recent) {
    await ctx.tx
      .updateTable('ingest_security_events')
      .set({ count: Number(recent.count) + 1 })
      .where('id', '=', recent.id)
      .execute();
    return;
  }
  const event = { at: ctx.now, kind: 'data-quality', deviceId, username: null, address: null, detail, count: 1 };
  await ctx.tx
    .insertInto('ingest_security_events')
    .values({
      id: newId(),
      at: event.at,
      kind: event.kind,
      device_id: deviceId,
      username: null,
      address: null,
      detail,
      count: 1,
    })
    .execute();
  ctx.emit('ingest.security-event', event);
}

/**
 * Turns a batch's machine metrics into states and part counts (performance's applyTelemetry), inside the
 * batch's transaction: committed, or rolled back, with the values themselves.
 */
export async function applyMachineTelemetry(
  ctx: CommandContext<Database>,
  rows: readonly ValueRow[],
): Promise<MachineOutcome> {
  const { sources, bad } = collect(rows);
  const outcome: MachineOutcome = { equipment: 0, states: 0, parts: 0, unrated: 0, ignored: bad };
  if (sources.size === 0) return outcome;
  const bound = await bindings(ctx, [...new Set([...sources.values()].map((s) => s.deviceId))]);
  const perEquipment = new Map<string, { deviceId: string; samples: MachineSample[] }>();
  for (const source of sources.values()) {
    const base = bound.get(source.deviceId);
    if (base === undefined) continue;
    const equipment = await equipmentOf(ctx, base, source.device);
    const entry = perEquipment.get(equipment) ?? { deviceId: source.deviceId, samples: [] };
    perEquipment.set(equipment, { ...entry, samples: [...entry.samples, ...source.samples] });
  }
  for (const [equipment, { deviceId, samples }] of perEquipment) {
    const result = await sameTransaction(applyTelemetry, ctx, equipment, samples);
    outcome.equipment += 1;
    outcome.states += result.states;
    outcome.parts += result.parts;
    outcome.unrated += result.unrated;
    outcome.ignored += result.ignored;
    if (result.unrated > 0) await unratedEvent(ctx, deviceId, equipment);
  }
  return outcome;
}

/**
 * An edge node or device that died (NDEATH, DDEATH, or its connection was lost) is `disconnected` from then
 * on: its equipment's open state ends, so running time stops accruing until it reports a state again. The
 * time is the moment Bastion learnt it. An equipment with a later state already is left as it is.
 */
export async function markDisconnected(ctx: CommandContext<Database>, offline: readonly Offline[]): Promise<number> {
  if (offline.length === 0) return 0;
  const bound = await bindings(ctx, [...new Set(offline.map((o) => o.deviceId))]);
  let changed = 0;
  for (const { deviceId, devices, at } of offline) {
    const base = bound.get(deviceId);
    if (base === undefined) continue;
    for (const device of devices) {
      const equipment = await equipmentOf(ctx, base, device);
      try {
        if ((await sameTransaction(recordState, ctx, { equipment, state: 'disconnected', at })).changed) changed += 1;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
  }
  return changed;
}
